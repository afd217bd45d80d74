/**
 * notification.send end to end on the embedded host (POST /api/events, answers read as the
 * event's children) against a node:http receiver started here, which verifies every signature
 * with the exported helper: a receiver that fails twice before accepting, one that never
 * answers once, one that always fails (dead letter), a permanent 4xx, Slack and Teams payloads,
 * channels a user may not use, and personal data redacted on its way out. notification.urgent
 * is delivered the same way, marked urgent in each format.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { signWebhook, verifyWebhookSignature, type NotificationDelivered, type NotificationFailed } from '../../src/drivers/notifications/index.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = 'whsec-test-0123456789';
let receiver: WebhookReceiver;
let system: TestSystem;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  for (const path of ['/ops', '/flaky', '/slow', '/down', '/refuses']) receiver.secret(path, SECRET);
  const channel = (id: string, extra: Record<string, unknown> = {}) => ({ id, url: `${receiver.url}/${id}`, format: 'json', secretSetting: 'OPS_WEBHOOK_SECRET', ...extra });
  system = await startTestSystem({
    env: { OPS_WEBHOOK_SECRET: SECRET },
    project: {
      notifications: {
        channels: [
          channel('ops'),
          channel('flaky'),
          channel('slow', { timeoutMs: 300 }),
          channel('down', { maxAttempts: 3 }),
          channel('refuses'),
          channel('alice-only', { users: ['alice'] }),
          { id: 'slack', url: `${receiver.url}/slack`, format: 'slack' },
          { id: 'teams', url: `${receiver.url}/teams`, format: 'teams' },
        ],
      },
    },
  });
});
afterAll(async () => {
  await system.stop();
  await receiver.close();
});

/** Sends a notification as `user` and returns its one answer once the send is processed. */
async function send(user: string, data: unknown, type = 'notification.send'): Promise<{ type: string; data: NotificationDelivered & NotificationFailed; send: RecordBody }> {
  const id = await system.emit(user, type, data);
  const record = await system.settled(user, id, (r) => r.status !== 'accepted');
  assert.equal(record.status, 'processed', JSON.stringify(record.error));
  assert.equal(record.children.length, 1, 'one answer');
  const answer = await system.settled(user, record.children[0]!);
  return { type: answer.event.type, data: answer.event.data as NotificationDelivered & NotificationFailed, send: record };
}

describe('notification.send to webhooks', () => {
  it('delivers a signed JSON body with the idempotency key and the event id', async () => {
    const { type, data, send: record } = await send('alice', { channel: 'ops', title: 'Deploy done', text: 'v1.2 is live', data: { build: 42 } });
    assert.equal(type, 'notification.delivered');
    assert.equal(data.status, 200);
    const [hit] = receiver.on('/ops');
    assert.ok(hit);
    assert.deepEqual(hit.verification, { ok: true, timestamp: hit.verification?.ok ? hit.verification.timestamp : 0 });
    assert.equal(hit.headers['vextir-event-id'], record.id);
    assert.equal(hit.headers['vextir-idempotency-key'], `alice:${record.id}:notifications`);
    assert.deepEqual(JSON.parse(hit.body), { id: record.id, type: 'notification', channel: 'ops', title: 'Deploy done', text: 'v1.2 is live', data: { build: 42 }, time: (JSON.parse(hit.body) as { time: string }).time });
  });

  it('retries a receiver that fails twice, then records one delivery with every attempt', async () => {
    receiver.script('/flaky', 503, 502);
    const { type, data } = await send('alice', { channel: 'flaky', title: 'Retry me', text: 'third time lucky' });
    assert.equal(type, 'notification.delivered');
    assert.deepEqual(data.attempts.map((attempt) => attempt.status), [503, 502, 200]);
    const hits = receiver.on('/flaky');
    assert.equal(hits.length, 3, 'three POSTs, the last accepted');
    assert.equal(new Set(hits.map((hit) => hit.headers['vextir-idempotency-key'])).size, 1, 'one idempotency key across the retries');
    assert.deepEqual(hits.map((hit) => hit.headers['vextir-attempt']), ['1', '2', '3']);
    assert.ok(hits.every((hit) => hit.verification?.ok === true), 'every attempt is signed');
    assert.equal(new Set(hits.map((hit) => hit.body)).size, 1, 'the same body every time');
  });

  it('counts a receiver that does not answer within the channel timeout as a failed attempt', async () => {
    receiver.script('/slow', 'hang');
    const { type, data } = await send('alice', { channel: 'slow', title: 'Slow', text: 'x' });
    assert.equal(type, 'notification.delivered');
    assert.equal(data.attempts.length, 2);
    assert.match(data.attempts[0]?.error ?? '', /no answer within 300 ms/);
  });

  it('dead-letters after the last attempt and answers notification.failed', async () => {
    receiver.script('/down', 500, 500, 500, 500);
    const { type, data } = await send('alice', { channel: 'down', title: 'Nobody home', text: 'x' });
    assert.equal(type, 'notification.failed');
    assert.equal(data.code, 'gave_up');
    assert.equal(data.deadLettered, true);
    assert.deepEqual(data.attempts.map((attempt) => attempt.status), [500, 500, 500]);
    assert.equal(receiver.on('/down').length, 3);
  });

  it('fails at once on a permanent 4xx', async () => {
    receiver.script('/refuses', 400);
    const { type, data } = await send('alice', { channel: 'refuses', title: 'Bad', text: 'x' });
    assert.equal(type, 'notification.failed');
    assert.equal(data.code, 'rejected');
    assert.equal(data.status, 400);
    assert.equal(data.deadLettered, false);
    assert.equal(receiver.on('/refuses').length, 1);
  });

  it('posts Slack and Teams incoming-webhook payloads', async () => {
    assert.equal((await send('alice', { channel: 'slack', title: 'Build failed', text: 'see *logs*' })).type, 'notification.delivered');
    assert.equal((await send('alice', { channel: 'teams', title: 'Build failed', text: 'see logs' })).type, 'notification.delivered');
    assert.deepEqual(JSON.parse(receiver.on('/slack')[0]!.body), {
      text: 'Build failed\nsee *logs*',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Build failed' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'see *logs*' } },
      ],
    });
    const teams = JSON.parse(receiver.on('/teams')[0]!.body) as { type: string; attachments: Array<{ contentType: string; content: { type: string; body: Array<{ text: string }> } }> };
    assert.equal(teams.type, 'message');
    assert.equal(teams.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(teams.attachments[0]?.content.type, 'AdaptiveCard');
    assert.deepEqual(teams.attachments[0]?.content.body.map((block) => block.text), ['Build failed', 'see logs']);
  });

  it('refuses unknown channels, channels the user may not use, and bad requests, without a POST', async () => {
    const before = receiver.received.length;
    const unknown = await send('alice', { channel: 'nowhere', title: 't', text: 'x' });
    assert.equal(unknown.data.code, 'unknown_channel');
    const forbidden = await send('bob', { channel: 'alice-only', title: 't', text: 'x' });
    assert.equal(forbidden.data.code, 'forbidden');
    assert.match(forbidden.data.reason, /not open to user bob/);
    const url = await send('alice', { channel: 'ops', title: 't', text: 'x', url: 'http://169.254.169.254/' });
    assert.equal(url.data.code, 'invalid_request');
    assert.equal(receiver.received.length, before);
  });

  it('redacts personal data before it leaves (the default pii-protection policy)', async () => {
    const { send: record } = await send('alice', { channel: 'ops', title: 'Customer', text: 'write to carol@example.com' });
    const hit = receiver.on('/ops').find((entry) => entry.headers['vextir-event-id'] === record.id);
    assert.equal((JSON.parse(hit!.body) as { text: string }).text, 'write to [REDACTED:email]');
  });
});

describe('notification.urgent', () => {
  it('delivers signed JSON with priority "urgent" (a normal notification has no priority)', async () => {
    const { type, data, send: record } = await send('alice', { channel: 'ops', title: 'Severe weather', text: 'Storm warning for Oslo', data: { location: 'Oslo' } }, 'notification.urgent');
    assert.equal(type, 'notification.delivered');
    assert.equal(data.requestId, record.id);
    const hit = receiver.on('/ops').find((entry) => entry.headers['vextir-event-id'] === record.id)!;
    assert.equal(hit.verification?.ok, true);
    assert.equal(hit.headers['vextir-idempotency-key'], `alice:${record.id}:notifications`);
    const body = JSON.parse(hit.body) as Record<string, unknown>;
    assert.deepEqual(body, { id: record.id, type: 'notification', channel: 'ops', priority: 'urgent', title: 'Severe weather', text: 'Storm warning for Oslo', data: { location: 'Oslo' }, time: body['time'] });
    const normal = receiver.on('/ops').find((entry) => entry.headers['vextir-event-id'] !== record.id)!;
    assert.equal('priority' in (JSON.parse(normal.body) as object), false);
  });

  it('prefixes the title in Slack and Teams, where people read it', async () => {
    const slackBefore = receiver.on('/slack').length;
    const teamsBefore = receiver.on('/teams').length;
    assert.equal((await send('alice', { channel: 'slack', title: 'Severe weather', text: 'Storm warning' }, 'notification.urgent')).type, 'notification.delivered');
    assert.equal((await send('alice', { channel: 'teams', title: 'Severe weather', text: 'Storm warning' }, 'notification.urgent')).type, 'notification.delivered');
    assert.deepEqual(JSON.parse(receiver.on('/slack')[slackBefore]!.body), {
      text: '[URGENT] Severe weather\nStorm warning',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '[URGENT] Severe weather' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Storm warning' } },
      ],
    });
    const teams = JSON.parse(receiver.on('/teams')[teamsBefore]!.body) as { attachments: Array<{ content: { body: Array<{ text: string; color?: string }> } }> };
    assert.deepEqual(teams.attachments[0]?.content.body.map((block) => [block.text, block.color]), [['[URGENT] Severe weather', 'Attention'], ['Storm warning', undefined]]);
  });

  it('is retried and delivered once, with one idempotency key and one body, like notification.send', async () => {
    receiver.script('/flaky', 503);
    const before = receiver.on('/flaky').length;
    const { type, data, send: record } = await send('alice', { channel: 'flaky', title: 'Flood', text: 'River rising' }, 'notification.urgent');
    assert.equal(type, 'notification.delivered');
    assert.deepEqual(data.attempts.map((attempt) => attempt.status), [503, 200]);
    const hits = receiver.on('/flaky').slice(before);
    assert.equal(hits.length, 2);
    assert.ok(hits.every((hit) => hit.headers['vextir-event-id'] === record.id && hit.verification?.ok === true));
    assert.equal(new Set(hits.map((hit) => hit.headers['vextir-idempotency-key'])).size, 1);
    assert.equal(new Set(hits.map((hit) => hit.body)).size, 1);
  });

  it('refuses what notification.send refuses, naming its own type', async () => {
    const invalid = await send('alice', { channel: 'ops', text: 'no title' }, 'notification.urgent');
    assert.equal(invalid.data.code, 'invalid_request');
    assert.match(invalid.data.reason, /^invalid notification\.urgent: title:/);
    assert.equal((await send('bob', { channel: 'alice-only', title: 't', text: 'x' }, 'notification.urgent')).data.code, 'forbidden');
  });
});

describe('verifyWebhookSignature', () => {
  it('refuses an old timestamp, a changed body and a wrong secret', () => {
    const hit = receiver.on('/ops')[0]!;
    const header = String(hit.headers['vextir-signature']);
    const timestamp = Number(/t=(\d+)/.exec(header)?.[1]);
    assert.equal(verifyWebhookSignature(SECRET, header, hit.body, { now: (timestamp + 299) * 1000 }).ok, true);
    const stale = verifyWebhookSignature(SECRET, header, hit.body, { now: (timestamp + 301) * 1000 });
    assert.equal(stale.ok, false);
    assert.match(stale.ok ? '' : stale.reason, /tolerance/);
    assert.equal(verifyWebhookSignature(SECRET, header, `${hit.body} `, { now: timestamp * 1000 }).ok, false);
    assert.equal(verifyWebhookSignature('another-secret', header, hit.body, { now: timestamp * 1000 }).ok, false);
    assert.equal(verifyWebhookSignature(SECRET, undefined, hit.body).ok, false);
  });
});

describe("the README's verification snippet", () => {
  it('accepts a real delivery and refuses a changed body and a stale timestamp', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const snippet = /<!-- verify-snippet -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, 'the README has the snippet');
    const dir = mkdtempSync(join(tmpdir(), 'vextir-snippet-'));
    try {
      writeFileSync(join(dir, 'verify.mjs'), snippet);
      const { verifyVextirSignature } = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as { verifyVextirSignature: (secret: string, header: unknown, body: string, tolerance?: number) => boolean };
      const { send: record } = await send('alice', { channel: 'ops', title: 'Snippet', text: 'check me' });
      const hit = receiver.on('/ops').find((entry) => entry.headers['vextir-event-id'] === record.id)!;
      const header = hit.headers['vextir-signature'];
      assert.equal(verifyVextirSignature(SECRET, header, hit.body), true);
      assert.equal(verifyVextirSignature(SECRET, header, hit.body.replace('check me', 'check you')), false);
      assert.equal(verifyVextirSignature('wrong', header, hit.body), false);
      const now = Math.floor(Date.now() / 1000);
      assert.equal(verifyVextirSignature(SECRET, signWebhook(SECRET, hit.body, now - 60), hit.body), true);
      assert.equal(verifyVextirSignature(SECRET, signWebhook(SECRET, hit.body, now - 400), hit.body), false, 'a correctly signed but old timestamp is refused');
      assert.equal(verifyVextirSignature(SECRET, undefined, hit.body), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
