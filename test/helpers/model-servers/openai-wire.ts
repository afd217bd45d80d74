/**
 * OpenAI's chat-completions wire format (POST .../chat/completions), as the AI SDK's
 * `openai.chat()` parses it: `choices[].index` and `finish_reason` are required, `usage`
 * carries prompt/completion tokens and `prompt_tokens_details.cached_tokens`. Also what Azure
 * OpenAI and OpenAI-compatible servers (Ollama, vLLM) answer.
 */
import { DEFAULT_USAGE, errorHeaders, type ScriptedUsage, type WireFormat } from './script.js';

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'invalid_request_error', 403: 'permission_error', 404: 'invalid_request_error', 429: 'rate_limit_exceeded' };

function usage({ input, output, cached = 0 }: ScriptedUsage = DEFAULT_USAGE) {
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: cached } };
}

export const openAiWire: WireFormat = {
  pathSuffix: '/chat/completions',
  render(reply, request, sequence) {
    const model = typeof request['model'] === 'string' ? request['model'] : 'unknown';
    const completion = (message: Record<string, unknown>, finishReason: string, tokens: ScriptedUsage | undefined) => ({
      status: 200,
      headers: {},
      body: { id: `chatcmpl-${sequence}`, object: 'chat.completion', created: 1_700_000_000, model, choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }], usage: usage(tokens) },
    });
    if ('raw' in reply) return { status: reply.status ?? 200, headers: {}, body: reply.raw };
    if ('status' in reply) {
      const type = ERROR_TYPES[reply.status] ?? 'server_error';
      return { status: reply.status, headers: errorHeaders(reply), body: { error: { message: reply.message ?? `scripted ${reply.status}`, type, param: null, code: reply.status === 401 ? 'invalid_api_key' : null } } };
    }
    if ('toolCalls' in reply) {
      const calls = reply.toolCalls.map((call, index) => ({ id: call.id ?? `call_${sequence}_${index}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
      return completion({ content: reply.text ?? null, tool_calls: calls }, 'tool_calls', reply.usage);
    }
    if ('json' in reply) return completion({ content: JSON.stringify(reply.json) }, 'stop', reply.usage);
    return completion({ content: reply.text }, 'stop', reply.usage);
  },
};
