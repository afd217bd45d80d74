/**
 * Model providers on loopback, for tests of the model driver and of anything that sends
 * `model.request` events (the agent runtime): real HTTP in each provider's wire format, no SDK
 * mocks. Start one per provider, point the settings at it, script what the models answer:
 *
 *   const openai = await startOpenAiServer();                  // OPENAI_BASE_URL=openai.url, any OPENAI_API_KEY
 *   openai.script('gpt-4.1-nano', { status: 429, retryAfterMs: 200 }, { text: 'hello' });
 *   openai.script('*', { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }] });
 *   ... send model.request ...
 *   openai.requestsFor('gpt-4.1-nano')[0]?.body.messages      // what the driver sent
 *   await openai.close();
 *
 * Replies (script.ts): `{text}`, `{toolCalls}`, `{json}` (structured output), `{status, message?,
 * retryAfterSeconds?, retryAfterMs?}` (errors, 429s), `{delayMs, then}` (slow), `{raw}` (exact
 * body); each may carry `usage: {input, output, cached?}` (default 100 in, 20 out). Unscripted
 * calls answer `ok from <model>`. No streaming: the driver does not stream.
 */
import { anthropicWire } from './anthropic-wire.js';
import { openAiWire } from './openai-wire.js';
import { startModelServer, type ModelServer } from './server.js';

export type { RecordedRequest, ModelServer } from './server.js';
export type { ScriptedReply, ScriptedUsage } from './script.js';
export { DEFAULT_USAGE } from './script.js';

/** OpenAI chat completions at `<url>/chat/completions` (url ends in /v1). Also serves as an OpenAI-compatible server. */
export function startOpenAiServer(): Promise<ModelServer> {
  return startModelServer(openAiWire, '/v1');
}

/**
 * Azure OpenAI: the same wire format; its url is the AZURE_OPENAI_ENDPOINT to configure (the
 * driver calls `<endpoint>/openai/v1/chat/completions`, the deployment name in `model`).
 */
export function startAzureOpenAiServer(): Promise<ModelServer> {
  return startModelServer(openAiWire, '');
}

/** Anthropic messages at `<url>/messages` (url ends in /v1). */
export function startAnthropicServer(): Promise<ModelServer> {
  return startModelServer(anthropicWire, '/v1');
}
