/** Agents as data: the definition format, its parsing, the built-in agents and the per-user catalog. */
export { AGENT_STATE_KIND, createAgentCatalog, type AgentCatalog, type AgentCatalogDeps, type AgentEntry, type AgentSource } from './catalog.js';
export { BUILT_IN_AGENT_DOCUMENTS } from './builtin/index.js';
export { parseAgentDefinition, parseAgentDocument, readAgentDocument, requiresApproval, type AgentParseOptions } from './parse.js';
export { agentDefinitionSchema, DEFAULT_MAX_STEPS, MAX_MAX_STEPS, type AgentDefinition, type AgentDefinitionInput } from './schema.js';
export { agentEventTypes, conversationIdOf, isTemplatePath, readEventPath, renderAgentInput } from './template.js';
