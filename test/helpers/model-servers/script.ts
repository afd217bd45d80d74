/**
 * What a test model server answers: scripted replies, written once and rendered in each
 * provider's wire format (openai-wire.ts, anthropic-wire.ts).
 */

/** Token counts a reply reports. `input` counts every input token, `cached` the cache reads among them. */
export interface ScriptedUsage {
  input: number;
  output: number;
  cached?: number;
}

export type ScriptedReply =
  /** A plain answer (finish reason stop / end_turn). */
  | { text: string; usage?: ScriptedUsage }
  /** The model asks for tools (finish reason tool_calls / tool_use), optionally with some text. */
  | { toolCalls: Array<{ id?: string; name: string; arguments: unknown }>; text?: string; usage?: ScriptedUsage }
  /** Structured output: the object, as the provider returns it for a JSON-schema response format. */
  | { json: unknown; usage?: ScriptedUsage }
  /**
   * An HTTP error with the provider's error body. `retryAfterSeconds` / `retryAfterMs` set the
   * `retry-after` / `retry-after-ms` headers (429s); `headers` adds any others.
   */
  | { status: number; message?: string; retryAfterSeconds?: number; retryAfterMs?: number; headers?: Record<string, string> }
  /** Wait before answering (a slow provider); the wait ends early if the client goes away. */
  | { delayMs: number; then: ScriptedReply }
  /** An exact body, for malformed answers. */
  | { raw: unknown; status?: number };

/** What the server sends back for one request. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** How a provider renders replies; `request` is the parsed request body (some renderings depend on it). */
export interface WireFormat {
  /** Which POST paths the provider serves (matched on the end of the path). */
  pathSuffix: string;
  render(reply: Exclude<ScriptedReply, { delayMs: number }>, request: Record<string, unknown>, sequence: number): WireResponse;
}

export const DEFAULT_USAGE: ScriptedUsage = { input: 100, output: 20 };

export function errorHeaders(reply: { retryAfterSeconds?: number; retryAfterMs?: number; headers?: Record<string, string> }): Record<string, string> {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
  if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
  return headers;
}
