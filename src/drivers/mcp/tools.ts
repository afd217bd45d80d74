/**
 * An MCP server's tools as registry tools: named `<server>_<tool>` (what model providers accept),
 * source `mcp:<server>` and `sourceName` the server's own name, so scopes such as
 * `mcp:github/*` or `mcp:*\/*search*` match them. A call is a `tool.call` event the `mcp`
 * driver answers: it passes the policy engine and the audit trail like any event.
 */
import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { defineEventTool, globMatches, type ToolDefinition } from '../../registries/tools/index.js';
import { TOOL_CALL, TOOL_ERROR, TOOL_RESULT } from './contract.js';

export interface ServerToolPolicy {
  id: string;
  approval: readonly string[];
  tools?: readonly string[] | undefined;
}

/** Whether the server's configuration offers the tool (its `tools` allow-list). */
export function isToolAllowed(server: ServerToolPolicy, tool: string): boolean {
  return server.tools === undefined || server.tools.some((glob) => globMatches(glob, tool));
}

export function needsApproval(server: ServerToolPolicy, tool: string): boolean {
  return server.approval.some((glob) => globMatches(glob, tool));
}

/** `<server>_<tool>` with other characters as `_`; a name too long keeps a hash of the whole. */
export function registryName(server: string, tool: string): string {
  const name = `${server}_${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (name.length <= 64) return name;
  return `${name.slice(0, 55)}_${createHash('sha256').update(`${server}/${tool}`).digest('hex').slice(0, 8)}`;
}

/** `availableTo`: set for a skill pack's server (its grant decides who is offered the tool). */
export function toolDefinition(server: ServerToolPolicy, driver: string, tool: Tool, availableTo?: (userId: string) => Promise<boolean>): ToolDefinition {
  const { $schema: _dialect, ...inputSchema } = tool.inputSchema as Record<string, unknown>;
  const described = tool.description?.trim() || tool.annotations?.title || tool.title || tool.name;
  const definition = defineEventTool({
    name: registryName(server.id, tool.name),
    description: `${described} (tool "${tool.name}" of the MCP server "${server.id}")`,
    inputSchema: { ...inputSchema, type: 'object' },
    source: `mcp:${server.id}`,
    sourceName: tool.name,
    requiresApproval: needsApproval(server, tool.name),
    eventType: TOOL_CALL,
    resultTypes: [TOOL_RESULT],
    errorTypes: [TOOL_ERROR],
    driver,
    toData: (args) => ({ server: server.id, tool: tool.name, arguments: args }),
  });
  return availableTo === undefined ? definition : { ...definition, availableTo };
}
