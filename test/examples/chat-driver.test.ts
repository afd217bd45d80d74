/**
 * The example chat driver on the embedded host, listed in its project file as a user lists it,
 * driven over HTTP with chat.message events, posting to a real HTTP receiver (test/helpers/
 * webhook-receiver.ts) that plays a Slack incoming webhook: what is posted, the idempotency key on
 * every attempt, retries through the kernel's redelivery, refusals for good, and personal data
 * redacted by the default policies before it leaves.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const MAX_DELIVERIES = 4;
let receiver: WebhookReceiver;
let system: TestSystem;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  system = await startTestSystem({
    env: { VEXTIR_MAX_DELIVERY_COUNT: String(MAX_DELIVERIES) },
    drivers: [
      {
        module: resolve('examples/packs/standup/chat-driver.js'),
        options: {
          channels: {
            standup: { url: `${receiver.url}/standup` },
            flaky: { url: `${receiver.url}/flaky` },
            slow: { url: `${receiver.url}/slow`, timeoutMs: 300 },
            refuses: { url: `${receiver.url}/refuses` },
            nowhere: { url: `http://127.0.0.1:${closedPort}/hook` },
          },
        },
      },
    ],
  });
});

afterAll(async () => {
  await system.stop();
  await receiver.close();
});

/** The record as GET /api/events/{id} returns it, with each driver run's attempt. */
type Settled = Omit<RecordBody, 'drivers'> & { drivers: Array<{ driver: string; status: string; attempt: number; error?: { message: string } }> };

/** Emits chat.message as alice; the settled record and its one answer. */
async function send(data: unknown): Promise<{ record: Settled; answer: { type: string; data: Record<string, unknown> } }> {
  const id = await system.emit('alice', 'chat.message', data);
  const record = (await system.settled('alice', id)) as unknown as Settled;
  assert.equal(record.children.length, 1, `one answer: ${JSON.stringify(record)}`);
  const child = await system.settled('alice', record.children[0]!);
  return { record, answer: child.event as { type: string; data: Record<string, unknown> } };
}

describe('the chat example driver', () => {
  it('posts the message to the channel webhook as Slack text and answers chat.message.sent', async () => {
    const { record, answer } = await send({ channel: 'standup', message: 'Standup: *3* PRs merged, 1 blocker (CI flaky)' });
    assert.equal(record.status, 'processed');
    assert.deepEqual(answer, { ...answer, type: 'chat.message.sent', data: { channel: 'standup', status: 200 } });
    const [hit] = receiver.on('/standup');
    assert.ok(hit);
    assert.deepEqual(JSON.parse(hit.body), { text: 'Standup: *3* PRs merged, 1 blocker (CI flaky)' });
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.equal(hit.headers['idempotency-key'], `alice:${record.id}:chat_webhook`);
  });

  it('retries 503 and 429 through redelivery with the same idempotency key, then answers once', async () => {
    receiver.script('/flaky', 503, 429);
    const { record, answer } = await send({ channel: 'flaky', message: 'third time lucky' });
    assert.equal(record.status, 'processed');
    assert.equal(answer.type, 'chat.message.sent');
    assert.deepEqual(record.drivers.map((run) => `${run.status}@${run.attempt}`), ['failed@1', 'failed@2', 'succeeded@3']);
    assert.match(record.drivers[1]?.error?.message ?? '', /chat channel "flaky": the webhook answered 429 \(scripted 429\)/);
    const hits = receiver.on('/flaky');
    assert.equal(hits.length, 3);
    assert.deepEqual(new Set(hits.map((hit) => hit.headers['idempotency-key'])), new Set([`alice:${record.id}:chat_webhook`]));
    assert.equal(new Set(hits.map((hit) => hit.body)).size, 1, 'the same body every time');
  });

  it('counts a webhook that does not answer within the channel timeout as an attempt to retry', async () => {
    receiver.script('/slow', 'hang');
    const { record, answer } = await send({ channel: 'slow', message: 'eventually' });
    assert.equal(answer.type, 'chat.message.sent');
    assert.match(record.drivers[0]?.error?.message ?? '', /chat channel "slow": no answer within 300 ms/);
    assert.equal(receiver.on('/slow').length, 2);
  });

  it('fails for good when the webhook refuses the request', async () => {
    receiver.script('/refuses', 404);
    const { record, answer } = await send({ channel: 'refuses', message: 'to an archived channel' });
    assert.equal(record.status, 'failed');
    assert.equal(answer.type, 'error');
    assert.equal(answer.data['message'], 'chat channel "refuses": the webhook answered 404 (scripted 404)');
    assert.equal(answer.data['retryable'], false);
    assert.equal(receiver.on('/refuses').length, 1, 'not retried');
  });

  it('dead-letters a message whose webhook cannot be reached, after the last delivery', async () => {
    const { record, answer } = await send({ channel: 'nowhere', message: 'anyone?' });
    assert.equal(record.status, 'dead_lettered');
    assert.equal(record.drivers.length, MAX_DELIVERIES);
    assert.equal(answer.type, 'error');
    assert.match(String(answer.data['message']), new RegExp(`gave up after ${MAX_DELIVERIES} deliveries: chat channel "nowhere": the webhook could not be reached \\(ECONNREFUSED\\)`));
    assert.doesNotMatch(String(answer.data['message']), /127\.0\.0\.1/, 'the webhook URL stays out of the message');
  });

  it('refuses unknown channels and bad messages without posting, naming the field', async () => {
    const before = receiver.received.length;
    const cases: Array<[unknown, RegExp]> = [
      [{ channel: 'general', message: 'hi' }, /data\.channel: no chat channel "general" is configured \(channels: standup, flaky, slow, refuses, nowhere\)/],
      [{ channel: 'standup', message: '' }, /data\.message must be a non-empty string/],
      [{ channel: 'standup', message: { summary: 'an object' } }, /data\.message must be a non-empty string/],
      [{ channel: 'standup', message: 'x'.repeat(40_001) }, /data\.message is longer than 40000 characters/],
      [{ channel: 'standup', message: 'hi', url: 'http://169.254.169.254/' }, /data\.url is not a field of chat\.message/],
    ];
    for (const [data, message] of cases) {
      const { record, answer } = await send(data);
      assert.equal(record.status, 'failed');
      assert.equal(answer.type, 'error');
      assert.equal(answer.data['code'], 'invalid_input');
      assert.match(String(answer.data['message']), message);
    }
    assert.equal(receiver.received.length, before);
  });

  it('posts personal data redacted (the default pii-protection policy and an external driver)', async () => {
    const { record } = await send({ channel: 'standup', message: 'Ask carol@example.com about the release' });
    assert.equal(record.status, 'processed');
    const hit = receiver.on('/standup').find((entry) => entry.headers['idempotency-key'] === `alice:${record.id}:chat_webhook`);
    assert.deepEqual(JSON.parse(hit!.body), { text: 'Ask [REDACTED:email] about the release' });
  });
});
