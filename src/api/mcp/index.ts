/** Vextir as an MCP server (POST /api/mcp): the user's Context Hub and events as MCP tools and resources. */
export { postMcp } from './handler.js';
export { MCP_EVENT_SOURCE } from './event-call.js';
export { EVENT_STATUS_TOOL, MCP_TOOL_SCOPE } from './tools.js';
export { CONTEXT_TEMPLATE, LISTED_RESOURCES, resourceUri } from './resources.js';
