/**
 * Anthropic's messages wire format (POST .../messages), as the AI SDK's Anthropic provider parses
 * it: `usage` is required; `stop_reason` ends a turn (`end_turn`) or asks for tools (`tool_use`).
 * Anthropic's `input_tokens` leaves out cache reads (`cache_read_input_tokens`), so a scripted
 * `input` of 100 with 40 `cached` is sent as 60 + 40.
 */
import { DEFAULT_USAGE, errorHeaders, type ScriptedUsage, type WireFormat } from './script.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 429: 'rate_limit_error', 529: 'overloaded_error',
};

function usage({ input, output, cached = 0 }: ScriptedUsage = DEFAULT_USAGE) {
  return { input_tokens: input - cached, output_tokens: output, cache_read_input_tokens: cached, cache_creation_input_tokens: 0 };
}

/**
 * Structured output reaches Anthropic two ways, depending on what the SDK knows of the model:
 * `output_config.format` (native; the answer is JSON text) or a forced tool named `json` whose
 * input is the answer.
 */
function usesJsonTool(request: Record<string, unknown>): boolean {
  const tools = Array.isArray(request['tools']) ? (request['tools'] as Array<{ name?: unknown }>) : [];
  const format = (request['output_config'] as { format?: unknown } | undefined)?.format;
  return format === undefined && tools.some((tool) => tool.name === 'json');
}

export const anthropicWire: WireFormat = {
  pathSuffix: '/messages',
  render(reply, request, sequence) {
    const model = typeof request['model'] === 'string' ? request['model'] : 'unknown';
    const message = (content: unknown[], stopReason: string, tokens: ScriptedUsage | undefined) => ({
      status: 200,
      headers: {},
      body: { id: `msg_${sequence}`, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: usage(tokens) },
    });
    if ('raw' in reply) return { status: reply.status ?? 200, headers: {}, body: reply.raw };
    if ('status' in reply) {
      const type = ERROR_TYPES[reply.status] ?? 'api_error';
      return { status: reply.status, headers: errorHeaders(reply), body: { type: 'error', error: { type, message: reply.message ?? `scripted ${reply.status}` } } };
    }
    if ('toolCalls' in reply) {
      const uses = reply.toolCalls.map((call, index) => ({ type: 'tool_use', id: call.id ?? `toolu_${sequence}_${index}`, name: call.name, input: call.arguments }));
      return message([...(reply.text ? [{ type: 'text', text: reply.text }] : []), ...uses], 'tool_use', reply.usage);
    }
    if ('json' in reply) {
      if (usesJsonTool(request)) return message([{ type: 'tool_use', id: `toolu_${sequence}_json`, name: 'json', input: reply.json }], 'tool_use', reply.usage);
      return message([{ type: 'text', text: JSON.stringify(reply.json) }], 'end_turn', reply.usage);
    }
    return message([{ type: 'text', text: reply.text }], 'end_turn', reply.usage);
  },
};
