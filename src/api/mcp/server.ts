/**
 * One MCP server per request, for one authenticated caller: the SDK's stateless mode, so any
 * instance can answer any request (Azure Functions scale out with no sticky sessions) and
 * nothing of a caller outlives their request.
 *
 * The low-level `Server` rather than `McpServer`: the tools come from the tool registry with
 * JSON Schemas already written (the ones agents see), and McpServer only takes zod shapes.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { VERSION } from '../../version.js';
import type { AuthenticatedContext } from '../handlers/context.js';
import { CONTEXT_TEMPLATE, listResources, readResource } from './resources.js';
import { callMcpTool, listMcpTools } from './tools.js';

const INSTRUCTIONS = [
  "Vextir OS holds the user's Context Hub, their persistent memory of documents under paths such as /Projects/Alpha/status,",
  'and runs their workflows on events. Find documents with context_search (words) or context_query (conditions on metadata),',
  'read them with context_read, save notes and results with context_write, and start workflows with emit_event;',
  'event_status shows what became of an event. Every call is checked by the user\'s policies and recorded in their audit trail:',
  'when a call is denied, tell the user why instead of retrying it.',
].join(' ');

export function createMcpServer(context: AuthenticatedContext): Server {
  const server = new Server({ name: 'vextir', title: 'Vextir OS', version: VERSION }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listMcpTools(context) }));
  server.setRequestHandler(CallToolRequestSchema, (request) => callMcpTool(context, request.params.name, request.params.arguments ?? {}));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [CONTEXT_TEMPLATE] }));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await listResources(context) }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => readResource(context, request.params.uri));
  return server;
}
