/**
 * The `mcp` driver answers `tool.call` (`{server, tool, arguments}`) with `tool.result` or
 * `tool.error`, and the event types servers map to tools (`events:` in mcp_servers, e.g.
 * `github.issue.create` -> create_issue -> `github.issue.created`).
 *
 * Two drivers share the servers: `mcp` (external: arguments leave the system, so PII policies
 * apply and it receives redacted copies where a policy says so) and `mcp-local` for servers
 * configured `external: false`. Each answers only its own servers' calls.
 *
 * Approval: a tool the server's configuration lists under `approval:` runs only from an event a
 * person approved. A call that arrives unapproved (a user's own `tool.call`) is emitted again
 * with `requireApproval`, which the kernel parks until a person decides; an agent's call of such
 * a tool is emitted that way by the agent runtime already (the tool's `requiresApproval`).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { NOOP_SPAN, type EmittedEvent, type Envelope, type StateStore, type TraceSpan } from '../../kernel/index.js';
import { defineDriver } from '../define-driver.js';
import { callOnce, failure, type CallOutcome } from './call.js';
import { TOOL_CALL, TOOL_ERROR, TOOL_RESULT, toolCallSchema, type ToolErrorData } from './contract.js';
import type { McpEventMapping } from './schema.js';
import type { McpServer, McpServers } from './servers.js';
import { isToolAllowed, needsApproval } from './tools.js';

export interface McpDriverDeps {
  id: 'mcp' | 'mcp-local';
  servers: McpServers;
  state: StateStore;
  /** Milliseconds the host waits at start for servers to connect before it serves (then they join later). */
  startGraceMs: number;
  /** Whether this driver starts and stops the servers (one of the two does). */
  ownsLifecycle: boolean;
}

/** A call as this driver runs it: from a `tool.call`, or from a mapped event. */
interface Request {
  server: McpServer;
  tool: string;
  args: Record<string, unknown>;
  mapping?: McpEventMapping;
}

export function createMcpDriver(deps: McpDriverDeps) {
  const mine = deps.servers.all().filter((server) => server.driver === deps.id);
  const mappings = mine.flatMap((server) => server.config.events.map((mapping) => ({ server, mapping })));
  const timeout = Math.max(30_000, ...mine.map((server) => server.config.timeout)) + 5_000;
  return defineDriver({
    manifest: {
      id: deps.id,
      name: deps.id === 'mcp' ? 'MCP servers' : 'MCP servers on this machine',
      version: '1.0.0',
      type: 'tool',
      author: 'Vextir OS',
      description: 'Calls the tools of the MCP servers in the project file (tool.call -> tool.result | tool.error)',
      capabilities: [...new Set([TOOL_CALL, ...mappings.map((entry) => entry.mapping.on)])],
      external: deps.id === 'mcp',
      // The servers' own timeouts end a call first; this only bounds a call that ignores its signal.
      resources: { timeout, maxConcurrency: 64 },
    },
    ...(deps.ownsLifecycle && {
      init: () => deps.servers.start(deps.startGraceMs),
      shutdown: () => deps.servers.close(),
    }),
    async handle(event, context) {
      const request = requestOf(event, deps, mappings);
      if (request === undefined) return [];
      if ('error' in request) return [{ type: TOOL_ERROR, data: request.error }];
      const { server, tool, mapping } = request;
      const span = toolSpan(context.trace ?? NOOP_SPAN, request);
      const users = server.config.users;
      if (users !== undefined && !users.includes(event.userid)) {
        return settled(span, 'forbidden', request, failure(server, tool, 'forbidden', `the MCP server "${server.config.id}" is not available to user ${event.userid} (mcp_servers "${server.config.id}" users)`, false));
      }
      const owner = server.owner;
      if (owner !== undefined && !(await owner.allows(event.userid))) {
        return settled(span, 'forbidden', request, failure(server, tool, 'forbidden', `the MCP server "${server.config.id}" is the skill pack ${owner.pack}'s, and user ${event.userid} has no grant of it in force`, false));
      }
      if (owner !== undefined && !owner.permits(tool)) {
        return settled(span, 'forbidden', request, failure(server, tool, 'forbidden', `the tool "${tool}" of the MCP server "${server.config.id}" is not among the tools the skill pack ${owner.pack} may use (permissions.tools)`, false));
      }
      if (!isToolAllowed(server.config, tool) || (server.tools.size > 0 && !server.tools.has(tool))) {
        return settled(span, 'not_found', request, failure(server, tool, 'not_found', `the MCP server "${server.config.id}" offers no tool "${tool}"${server.tools.size > 0 ? ` (it offers: ${[...server.tools.keys()].join(', ')})` : ''}`, false));
      }
      if (needsApproval(server.config, tool) && event.approval === undefined) {
        const why = `${mapping ? `${event.type} calls ` : ''}the tool "${tool}" of the MCP server "${server.config.id}", which needs a person's approval (mcp_servers "${server.config.id}" approval)`;
        span.setAttributes({ 'vextir.tool.decision': 'approval_required' });
        span.end();
        return [{ type: event.type, data: event.data, requireApproval: why.slice(0, 500), key: 'approval' }];
      }
      try {
        return settled(span, undefined, request, await callOnce(server, tool, request.args, event, context, deps.state, span));
      } catch (error) {
        span.end({ code: 'aborted', message: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },
  });
}

function requestOf(event: Envelope, deps: McpDriverDeps, mappings: ReadonlyArray<{ server: McpServer; mapping: McpEventMapping }>): Request | { error: ToolErrorData } | undefined {
  if (event.type !== TOOL_CALL) {
    const found = mappings.find((entry) => entry.mapping.on === event.type);
    if (found === undefined) return undefined;
    const args = z.record(z.string(), z.unknown()).safeParse(event.data ?? {});
    if (!args.success) return { error: { server: found.server.config.id, tool: found.mapping.tool, code: 'invalid_input', message: `${event.type}: data must be a JSON object of the tool's arguments`, retryable: false } };
    return { server: found.server, tool: found.mapping.tool, args: args.data, mapping: found.mapping };
  }
  const parsed = toolCallSchema.safeParse(event.data);
  if (!parsed.success) {
    // Both drivers see every tool.call: only `mcp` answers what is no one's.
    if (deps.id !== 'mcp') return undefined;
    const data = isRecord(event.data) ? event.data : {};
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    return { error: { server: text(data['server']), tool: text(data['tool']), code: 'invalid_input', message: `tool.call: ${z.prettifyError(parsed.error)}`, retryable: false } };
  }
  const server = deps.servers.get(parsed.data.server);
  if (server === undefined) {
    if (deps.id !== 'mcp') return undefined;
    const known = deps.servers.all().map((entry) => entry.config.id);
    return { error: { server: parsed.data.server, tool: parsed.data.tool, code: 'not_found', message: `there is no MCP server "${parsed.data.server}" (configured: ${known.length > 0 ? known.join(', ') : 'none'})`, retryable: false } };
  }
  if (server.driver !== deps.id) return undefined;
  return { server, tool: parsed.data.tool, args: parsed.data.arguments };
}

/** A tool call as a client span, by OpenTelemetry's GenAI conventions (`execute_tool <name>`). */
function toolSpan(parent: TraceSpan, request: Request): TraceSpan {
  if (!parent.recording) return parent;
  return parent.startChild(`execute_tool ${request.tool}`, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': request.tool, 'vextir.tool.server': request.server.config.id, 'vextir.tool.event': request.mapping?.on }, 'client');
}

/** `decision`: why the call was not sent (callOnce records its own: called, replayed, not_sent). */
function settled(span: TraceSpan, decision: string | undefined, request: Request, outcome: CallOutcome): EmittedEvent[] {
  if (decision !== undefined) span.setAttributes({ 'vextir.tool.decision': decision });
  if (outcome.ok) span.setAttributes({ 'vextir.tool.is_error': outcome.result.isError === true });
  span.end(outcome.ok ? undefined : { code: outcome.error.code, message: outcome.error.message });
  return answer(request, outcome);
}

function answer(request: Request, outcome: CallOutcome): EmittedEvent[] {
  const { mapping } = request;
  if (mapping === undefined) {
    if (!outcome.ok) return [{ type: TOOL_ERROR, data: outcome.error }];
    const { content, structuredContent, isError } = outcome.result;
    return [{ type: TOOL_RESULT, data: { server: request.server.config.id, tool: request.tool, content, ...(structuredContent !== undefined && { structuredContent }), isError: isError === true } }];
  }
  if (!outcome.ok) return [{ type: mapping.error, data: { ...outcome.error, event: mapping.on } }];
  if (outcome.result.isError === true) {
    const error: ToolErrorData = { server: request.server.config.id, tool: request.tool, code: 'tool_failed', message: textOf(outcome.result) || 'the tool reported a failure', retryable: false };
    return [{ type: mapping.error, data: { ...error, event: mapping.on } }];
  }
  return [{ type: mapping.emits, data: resultObject(outcome.result) }];
}

/** What a mapped event carries: the structured result, else the text parsed as a JSON object, else the text. */
function resultObject(result: CallToolResult): Record<string, unknown> {
  if (isRecord(result.structuredContent)) return result.structuredContent;
  const text = textOf(result);
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
  } catch {
    // not JSON: the text itself is the result
  }
  return { text };
}

function textOf(result: CallToolResult): string {
  return result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
