/** The tool registry: the tools agents may call, each call an event. */
export { defineEventTool, ERROR_EVENT_TYPE, systemReplyResult, type EventToolSpec } from './event-tool.js';
export { EMIT_EVENT_TOOL, emitEventTool, isReservedEventType, RESERVED_EVENT_TYPES } from './emit-event.js';
export { createSchemaCompiler, type SchemaCheck } from './json-schema.js';
export { createToolRegistry, TOOL_NAME } from './registry.js';
export { globMatches, matchesEntry, parseScopeEntry, type ScopeEntry } from './scope.js';
export type { JsonSchema, ScopeIssue, ToolCallEvent, ToolDefinition, ToolRegistry, ToolReply, ToolResult, ToolValidation } from './types.js';
