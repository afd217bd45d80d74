/** The agent runtime: agents as drivers whose tool loop runs over events. */
export { createAgentDriver, runStartOf } from './agent-driver.js';
export { ConversationStore, CONVERSATION_KIND } from './conversations.js';
export { estimateTokens, fitHistory, messageSchema, type Message, type ToolCall } from './messages.js';
export { RUN_INDEX_KIND, runIndexKey, summarizeRun, type RunSummary } from './run-index.js';
export { RUN_KIND, WAIT_KIND, runSchema, type Run, type RunAgent, type RunStep, type RunToolCall } from './run-state.js';
export { RunStore } from './run-store.js';
export { AgentRuntime, type AgentRuntimeDeps, type RunStart } from './runtime.js';
export { inScope, needsApproval } from './tools.js';
export { createUserAgentsDriver, userAgentRoutes, USER_AGENTS_DRIVER } from './user-agents-driver.js';
