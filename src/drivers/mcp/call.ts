/**
 * One call of an MCP tool for one event, effectively once: the event's idempotency key marks the
 * call in the StateStore before it is sent and stores its answer after, so a redelivery (the
 * process stopped before the answer was emitted) re-emits the stored answer instead of calling
 * again. A call that was sent but whose answer was never stored is not sent twice unless the
 * server says the tool is idempotent or read-only: repeating `create_issue` would open a second issue.
 */
import { McpError, ErrorCode, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { z } from 'zod';
import { NOOP_SPAN, type DriverContext, type Envelope, type StateStore, type TraceSpan } from '../../kernel/index.js';
import { McpUnavailableError } from './connection.js';
import type { ToolErrorCode, ToolErrorData } from './contract.js';
import type { McpServer } from './servers.js';

const MARKER_KIND = 'mcp-call';
/** Passed to the server with every call, for servers that deduplicate requests. */
export const IDEMPOTENCY_META_KEY = 'io.vextir/idempotency-key';

export type CallOutcome = { ok: true; result: CallToolResult } | { ok: false; error: ToolErrorData };

const markerSchema = z.object({ status: z.enum(['started', 'done']), outcome: z.unknown().optional() });

/** `span`: the call's span, told the decision: `called`, `replayed` (the stored answer) or `not_sent`. */
export async function callOnce(server: McpServer, tool: string, args: Record<string, unknown>, event: Envelope, context: DriverContext, state: StateStore, span: TraceSpan = NOOP_SPAN): Promise<CallOutcome> {
  const key = context.idempotencyKey;
  const previous = await state.get(event.userid, MARKER_KIND, key);
  if (previous !== undefined) {
    const marker = markerSchema.parse(previous.value);
    if (marker.status === 'done' && marker.outcome !== undefined) {
      span.setAttributes({ 'vextir.tool.decision': 'replayed' });
      return marker.outcome as CallOutcome;
    }
    const annotations = server.tools.get(tool)?.annotations;
    if (annotations?.idempotentHint !== true && annotations?.readOnlyHint !== true) {
      span.setAttributes({ 'vextir.tool.decision': 'not_sent' });
      return failure(server, tool, 'outcome_unknown', `an earlier attempt of this call may have reached the MCP server "${server.config.id}" and its answer was lost; it is not sent again, so that its effect is not repeated: check the result at the server`, false);
    }
  }
  await state.put(event.userid, MARKER_KIND, key, { status: 'started' });
  span.setAttributes({ 'vextir.tool.decision': 'called' });
  const outcome = await send(server, tool, args, context);
  try {
    await state.put(event.userid, MARKER_KIND, key, { status: 'done', outcome });
  } catch (error) {
    // An answer too large to keep: this delivery still emits it; only a redelivery would lack it.
    context.logger.warn({ err: error, server: server.config.id, tool }, 'could not store the answer of an MCP call');
  }
  return outcome;
}

async function send(server: McpServer, tool: string, args: Record<string, unknown>, context: DriverContext): Promise<CallOutcome> {
  try {
    const result = await server.connection.callTool(tool, args, { signal: context.signal, meta: { [IDEMPOTENCY_META_KEY]: context.idempotencyKey } });
    return { ok: true, result };
  } catch (error) {
    if (context.signal.aborted) throw error; // the kernel's timeout or shutdown: it decides what happens to the event
    return translate(server, tool, error);
  }
}

/** SDK and network errors, translated once into codes a caller branches on. */
function translate(server: McpServer, tool: string, error: unknown): CallOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof McpUnavailableError) return failure(server, tool, 'unavailable', message, true);
  if (error instanceof McpError) {
    if (error.code === (ErrorCode.RequestTimeout as number)) return failure(server, tool, 'timeout', `the MCP server "${server.config.id}" did not answer within ${server.config.timeout} ms`, true);
    if (error.code === (ErrorCode.ConnectionClosed as number)) return failure(server, tool, 'unavailable', `the MCP server "${server.config.id}" closed the connection during the call`, true);
    return failure(server, tool, 'server_error', message, false);
  }
  if (error instanceof StreamableHTTPError) return failure(server, tool, 'unavailable', message, true);
  if (error instanceof TypeError) return failure(server, tool, 'unavailable', `the MCP server "${server.config.id}" could not be reached: ${message}`, true);
  return failure(server, tool, 'server_error', message, false);
}

export function failure(server: McpServer, tool: string, code: ToolErrorCode, message: string, retryable: boolean): CallOutcome {
  return { ok: false, error: { server: server.config.id, tool, code, message, retryable } };
}
