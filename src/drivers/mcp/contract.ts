/**
 * The `mcp` driver's events: `tool.call` asks an MCP server's tool; `tool.result` carries what
 * the server answered (an `isError` result too: the tool ran and reported a failure a model can
 * act on); `tool.error` says the call did not happen or did not finish (unknown server or tool,
 * server not running, timeout, protocol error).
 */
import { z } from 'zod';
import { MCP_SERVER_ID } from './schema.js';

export const TOOL_CALL = 'tool.call';
export const TOOL_RESULT = 'tool.result';
export const TOOL_ERROR = 'tool.error';

export const toolCallSchema = z.strictObject({
  server: z.string().regex(MCP_SERVER_ID, 'must be the id of an MCP server in mcp_servers'),
  tool: z.string().min(1).max(128),
  arguments: z.record(z.string(), z.unknown()).default({}),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/** What a refusal or failure is, for a caller to branch on. */
export type ToolErrorCode =
  /** No such server or tool, or the tool is not in the server's allow-list. */
  | 'not_found'
  /** The server is configured for other users only (mcp_servers `users`). */
  | 'forbidden'
  /** The arguments are not a tool.call (or a mapped event's data is not an object). */
  | 'invalid_input'
  /** The server is not running or could not be reached; trying later may work. */
  | 'unavailable'
  /** The call passed the server's timeout and was cancelled. */
  | 'timeout'
  /** The server answered with a JSON-RPC error. */
  | 'server_error'
  /** A mapped event's tool ran and reported a failure (`isError`); a `tool.call` gets it as a `tool.result`. */
  | 'tool_failed'
  /**
   * A redelivered call whose first attempt may have reached the server (the process stopped
   * before its answer was stored): not sent again, so a side effect is not repeated. Tools the
   * server marks idempotent or read-only are sent again instead.
   */
  | 'outcome_unknown';

export interface ToolErrorData {
  server: string;
  tool: string;
  code: ToolErrorCode;
  message: string;
  retryable: boolean;
}
