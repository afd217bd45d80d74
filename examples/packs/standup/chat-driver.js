// @ts-check
// An example chat driver (id `chat_webhook`): `chat.message` -> a POST to a Slack-compatible incoming webhook ->
// `chat.message.sent`. The Daily Standup Assistant's `notify_team` step. A plain ES module with no
// imports from Vextir OS: list it in vextir.config.yaml.
//
//   drivers:
//     - module: ./examples/packs/standup/chat-driver.js
//       options:
//         channels:
//           standup: { url: "https://hooks.slack.com/services/T000/B000/XXXX" }
//
//   chat.message       { channel, message }    channel: a name in options.channels, never a URL
//   chat.message.sent  { channel, status }     status: the webhook's HTTP status (2xx)
//
// The body is `{"text": message}`, which Slack, Mattermost, Rocket.Chat and Discord's /slack
// endpoint accept. An unknown channel or a refused request (4xx) fails the event with an `error`
// event; no answer, 408, 429 and 5xx are retried by the kernel's redelivery. Every attempt carries
// `Idempotency-Key: <the driver's idempotency key>`, the same on each redelivery, for receivers
// that drop repeats (Slack itself ignores it: a crash after its 2xx and before the answer is
// committed makes the redelivery post again).

import { permanent, retryable } from './errors.js';

/** Slack cuts `text` beyond 40,000 characters. */
const MAX_MESSAGE_CHARS = 40_000;
const CHANNEL_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * @typedef {{ url: string, timeoutMs?: number }} ChatChannel
 * @typedef {{ channels: Record<string, ChatChannel>, id?: string }} ChatOptions
 */

/**
 * @param {ChatOptions} options from vextir.config.yaml
 * @returns {{ manifest: Record<string, unknown>, handle: (event: any, context: any) => Promise<unknown> }}
 */
export default function createChatDriver(options) {
  const channels = readOptions(options);

  return {
    manifest: {
      // Not `chat`: that is the built-in chat agent's id.
      // The standup pack names it `standup_...` (a pack's drivers carry its name); `chat_webhook` otherwise.
      id: typeof options.id === 'string' ? options.id : 'chat_webhook',
      name: 'Chat',
      version: '1.0.0',
      type: 'io',
      author: 'Vextir OS examples',
      description: 'Posts chat.message to Slack-compatible incoming webhooks',
      capabilities: ['chat.message'],
      // It sends the message out: policies may hand it personal data redacted.
      external: true,
      resources: { timeout: '30s', maxConcurrency: 16 },
    },
    async handle(event, context) {
      const { channel, message } = readRequest(event.data, channels);
      const target = /** @type {ChatChannel} */ (channels.get(channel));
      const status = await post(channel, target, message, context);
      return [{ type: 'chat.message.sent', data: { channel, status }, category: 'output' }];
    },
  };
}

/**
 * @param {ChatOptions} options
 * @returns {Map<string, ChatChannel>}
 */
function readOptions(options) {
  const fail = (/** @type {string} */ message) => new Error(`chat driver: ${message}`);
  const entries = Object.entries(options?.channels ?? {});
  if (entries.length === 0) throw fail('options.channels must name at least one channel: { <name>: { url } }');
  for (const [name, channel] of entries) {
    if (!CHANNEL_NAME.test(name)) throw fail(`channel name "${name}" must be lower-case letters, digits, "_" or "-"`);
    if (typeof channel?.url !== 'string' || !/^https?:\/\/[^/]/i.test(channel.url)) throw fail(`options.channels.${name}.url must be an http or https URL`);
    if (channel.timeoutMs !== undefined && !(Number.isInteger(channel.timeoutMs) && channel.timeoutMs >= 100 && channel.timeoutMs <= 25_000)) {
      throw fail(`options.channels.${name}.timeoutMs must be a whole number of milliseconds from 100 to 25000`);
    }
  }
  return new Map(entries);
}

/**
 * @param {unknown} data
 * @param {Map<string, ChatChannel>} channels
 */
function readRequest(data, channels) {
  const invalid = (/** @type {string} */ message) => permanent(`invalid chat.message: ${message}`, 'invalid_input');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('data must be an object { channel, message }');
  const { channel, message, ...rest } = /** @type {Record<string, unknown>} */ (data);
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw invalid(`data.${extra} is not a field of chat.message (channel, message)`);
  if (typeof channel !== 'string' || !channels.has(channel)) throw invalid(`data.channel: no chat channel ${JSON.stringify(channel ?? null)} is configured (channels: ${[...channels.keys()].join(', ')})`);
  if (typeof message !== 'string' || message.trim() === '') throw invalid('data.message must be a non-empty string');
  if (message.length > MAX_MESSAGE_CHARS) throw invalid(`data.message is longer than ${MAX_MESSAGE_CHARS} characters`);
  return { channel, message };
}

/**
 * One POST. Messages name the channel, never its URL (a webhook URL is a secret).
 * @param {string} name
 * @param {ChatChannel} channel
 * @param {string} message
 * @param {{ signal: AbortSignal, idempotencyKey: string }} context
 * @returns {Promise<number>} the 2xx status
 */
async function post(name, channel, message, context) {
  const timeoutMs = channel.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response;
  try {
    response = await fetch(channel.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': context.idempotencyKey },
      body: JSON.stringify({ text: message }),
      // The configured URL is the only destination.
      redirect: 'manual',
      signal: AbortSignal.any([context.signal, timeout]),
    });
  } catch (error) {
    // Shutting down or the driver's own timeout: the kernel decides what that means.
    if (context.signal.aborted) throw context.signal.reason;
    if (timeout.aborted) throw retryable(`chat channel "${name}": no answer within ${timeoutMs} ms`);
    const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause;
    throw retryable(`chat channel "${name}": the webhook could not be reached (${cause?.code ?? /** @type {Error} */ (error).message})`);
  }
  const detail = (await response.text().catch(() => '')).slice(0, 200);
  const answered = `chat channel "${name}": the webhook answered ${response.status}${detail === '' ? '' : ` (${detail})`}`;
  if (response.ok) return response.status;
  if (response.status === 408 || response.status === 429 || response.status >= 500) throw retryable(answered);
  throw permanent(answered);
}
