/**
 * Email in, end to end against a real IMAP server (Dovecot, started here on loopback): a
 * message appended to alice's mailbox becomes one `email.received` for alice (noticed through
 * IDLE) that the built-in email assistant starts on; a restart of the host on the same data
 * does not emit it again, and mail that arrives after the restart is emitted; `email.fetch`
 * returns messages by folder and date, to the mailbox's user only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { EmailReceived } from '../../src/drivers/email/index.js';
import { startLocal, type RunningLocalHost } from '../../src/hosts/embedded/index.js';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { skipWithoutDovecot, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { silentLogger } from '../helpers/kernel-fixture.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';

const skip = skipWithoutDovecot();
const PASSWORD = 'imap-pass-alice';
let dovecot: Dovecot;
let dataDir: string;
let host: RunningLocalHost;
let imap: ImapFlow;
let openai: ModelServer;

async function start(): Promise<RunningLocalHost> {
  const env = { VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: join(dataDir, 'vextir.config.json'), PORT: '0', VEXTIR_RETRY_BASE_MS: '20', VEXTIR_POLICY_CACHE_MS: '0', ALICE_IMAP_PASSWORD: PASSWORD, OPENAI_API_KEY: 'sk-email-in', OPENAI_BASE_URL: openai.url };
  const started = await startLocal(loadConfig(env), silentLogger);
  // Wait until the watcher is connected and caught up (GET /api/health says so).
  for (let i = 0; i < 200; i += 1) {
    const health = (await (await fetch(`${started.url}/api/health`)).json()) as { checks: Record<string, { detail?: string }> };
    if (health.checks['mailboxes']?.detail === 'watching 1 of 1 mailboxes') return started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the mailbox watcher did not start');
}

async function api(user: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), user);
  return fetch(`${host.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
}

interface Stored {
  id: string;
  status: string;
  children: string[];
  drivers: Array<{ driver: string; status: string }>;
  event: { type: string; source: string; data: unknown };
}

async function received(count: number): Promise<Stored[]> {
  for (let i = 0; i < 200; i += 1) {
    const { events } = (await (await api('alice', '/api/events?type=email.received&limit=50')).json()) as { events: Stored[] };
    if (events.length >= count) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} email.received events`);
}

async function settled(user: string, id: string): Promise<Stored> {
  for (let i = 0; i < 200; i += 1) {
    const response = await api(user, `/api/events/${encodeURIComponent(id)}`);
    // A child is recorded when it is processed: until then its id answers 404 (a problem, whose
    // `status` is a number).
    const record = (await response.json()) as Stored;
    if (response.status === 200 && record.status !== 'accepted') return record;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${id} did not settle`);
}

function mail(subject: string, body: string, date = new Date()): string {
  return [`From: Bob Builder <bob@example.com>`, 'To: alice@example.org', `Subject: ${subject}`, `Date: ${date.toUTCString()}`, `Message-ID: <${subject.replace(/\W/g, '')}@example.com>`, '', body, ''].join('\r\n');
}

describe.skipIf(skip)('email in over IMAP (Dovecot)', () => {
  beforeAll(async () => {
    dovecot = await startDovecot({ alice: PASSWORD });
    openai = await startOpenAiServer();
    dataDir = mkdtempSync(join(tmpdir(), 'vextir-email-in-'));
    writeFileSync(
      join(dataDir, 'vextir.config.json'),
      JSON.stringify({ mailboxes: [{ id: 'alice-inbox', user: 'alice', host: dovecot.host, port: dovecot.port, secure: false, username: 'alice', passwordSetting: 'ALICE_IMAP_PASSWORD' }] }),
    );
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: PASSWORD }, logger: false });
    await imap.connect();
    host = await start();
  });
  afterAll(async () => {
    await host?.stop();
    await imap?.logout().catch(() => undefined);
    await dovecot?.stop();
    await openai?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // Noticed through IDLE: the safety-net poll is 60 s away, and received() waits 10 s at most.
  it('turns a new message into one email.received for the mailbox user, which the email assistant takes', async () => {
    const classification = { category: 'meeting_request', priority: 'normal', summary: 'Bob asks to meet on Tuesday.', meeting_requested: true, path: '/Email/lunch' };
    openai.script('*', { json: classification });
    const appended = await imap.append('INBOX', mail('Lunch next week', 'Could we meet on Tuesday at 12:30?'));
    assert.ok(appended);
    const [event] = await received(1);
    assert.ok(event);
    assert.equal(event.id, `mail-alice-inbox-${appended.uidValidity?.toString()}-${appended.uid}`, 'the id is derived from mailbox, UIDVALIDITY and UID');
    assert.equal(event.event.source, '/mailboxes/alice-inbox');
    const data = event.event.data as EmailReceived;
    assert.equal(data.from, '"Bob Builder" <bob@example.com>');
    assert.equal(data.fromAddress, 'bob@example.com');
    assert.equal(data.to, 'alice@example.org');
    assert.equal(data.subject, 'Lunch next week');
    assert.equal(data.body.trim(), 'Could we meet on Tuesday at 12:30?');
    assert.equal(data.messageId, '<Lunchnextweek@example.com>');
    assert.ok(!Number.isNaN(Date.parse(data.receivedAt)));
    // What the email assistant's prompt expects of its input: from, to, subject, body, receivedAt, a message id.
    for (const field of ['from', 'to', 'subject', 'body', 'receivedAt', 'messageId'] as const) assert.equal(typeof data[field], 'string', field);
    const record = await settled('alice', event.id);
    assert.ok(record.drivers.some((run) => run.driver === 'email_assistant' && run.status === 'succeeded'), 'the email assistant started a run on it');
    // The assistant's model call carries the mail, and its answer is the classification.
    let processed: Stored[] = [];
    for (let i = 0; i < 200 && processed.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      processed = ((await (await api('alice', '/api/events?type=email.processed')).json()) as { events: Stored[] }).events;
    }
    assert.deepEqual((processed[0]?.event.data as { output?: unknown } | undefined)?.output, classification);
    const prompt = JSON.stringify(openai.requests[0]?.body.messages);
    assert.match(prompt, /Lunch next week/);
    assert.match(prompt, /Could we meet on Tuesday at 12:30\?/);
    const bob = (await (await api('bob', '/api/events?type=email.received')).json()) as { events: unknown[] };
    assert.deepEqual(bob.events, [], 'nobody else gets alice\'s mail');
  });

  it('does not emit it again after a restart, and emits mail that arrived meanwhile', async () => {
    await host.stop();
    await imap.append('INBOX', mail('While you were out', 'Arrived during the restart.'));
    host = await start();
    await imap.append('INBOX', mail('After the restart', 'Arrived after it.'));
    // The watcher catches up in UID order, so the first mail, had it been emitted again under
    // another id, would be listed before the third one is.
    const events = await received(3);
    assert.equal(events.length, 3);
    assert.deepEqual(events.map((e) => (e.event.data as EmailReceived).subject).sort(), ['After the restart', 'Lunch next week', 'While you were out']);
  });

  it('email.fetch returns messages by folder and date, newest first', async () => {
    await imap.mailboxCreate('Archive');
    for (const [subject, day] of [['January', '2026-01-10'], ['February', '2026-02-10'], ['March', '2026-03-10']] as const) {
      await imap.append('Archive', mail(subject, `${subject} news`, new Date(`${day}T10:00:00Z`)), [], new Date(`${day}T10:00:00Z`));
    }
    const answer = async (user: string, data: unknown): Promise<{ type: string; data: { messages?: EmailReceived[]; code?: string; reason?: string } }> => {
      const response = await api(user, '/api/events', { method: 'POST', body: { type: 'email.fetch', data } });
      const { ids } = (await response.json()) as { ids: string[] };
      const record = await settled(user, ids[0]!);
      const child = await settled(user, record.children[0]!);
      return { type: child.event.type, data: child.event.data as { messages?: EmailReceived[]; code?: string } };
    };
    const february = await answer('alice', { mailbox: 'alice-inbox', folder: 'Archive', since: '2026-02-01', before: '2026-03-01' });
    assert.equal(february.type, 'email.fetch.result');
    assert.deepEqual(february.data.messages?.map((m) => m.subject), ['February']);
    const sinceFeb = await answer('alice', { mailbox: 'alice-inbox', folder: 'Archive', since: '2026-02-01T00:00:00Z' });
    assert.deepEqual(sinceFeb.data.messages?.map((m) => m.subject), ['March', 'February']);
    const inbox = await answer('alice', { mailbox: 'alice-inbox', limit: 2 });
    assert.deepEqual(inbox.data.messages?.map((m) => m.subject), ['After the restart', 'While you were out']);
    const big = ['From: bob@example.com', 'To: alice@example.org', 'Subject: Big', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'é'.repeat(50_000), ''].join('\r\n');
    await imap.append('Archive', Buffer.from(big, 'utf8'), [], new Date('2026-04-10T10:00:00Z'));
    const [bigMessage] = (await answer('alice', { mailbox: 'alice-inbox', folder: 'Archive', since: '2026-04-01' })).data.messages ?? [];
    assert.equal(bigMessage?.truncated, true, 'a body over 64 KiB is cut');
    assert.ok(Buffer.byteLength(bigMessage.body) <= 64 * 1024 && Buffer.byteLength(bigMessage.body) > 60 * 1024);
    assert.match(bigMessage.body, /^é+$/, 'cut at a character boundary');
    const missing = await answer('alice', { mailbox: 'alice-inbox', folder: 'Nope' });
    assert.equal(missing.data.code, 'not_found');
    const bob = await answer('bob', { mailbox: 'alice-inbox' });
    assert.equal(bob.type, 'email.fetch.error');
    assert.equal(bob.data.code, 'unknown_mailbox');
  });
});
