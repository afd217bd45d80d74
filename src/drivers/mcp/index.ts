/** MCP servers as tools: the project file's `mcp_servers`, their connections, and the drivers that call them. */
export { McpConnection, McpUnavailableError, type Backoff, type ConnectionStatus } from './connection.js';
export { TOOL_CALL, TOOL_ERROR, TOOL_RESULT, toolCallSchema, type ToolCall, type ToolErrorCode, type ToolErrorData } from './contract.js';
export { IDEMPOTENCY_META_KEY } from './call.js';
export { createMcpDriver, type McpDriverDeps } from './mcp-driver.js';
export { mcpServerSchema, mcpServersSchema, resolveServer, type McpEventMapping, type McpServerEntry, type ResolvedMcpServer } from './schema.js';
export { driverIdOf, McpServers, type McpServer, type McpServerOwner, type McpServersDeps } from './servers.js';
export { registryName } from './tools.js';
