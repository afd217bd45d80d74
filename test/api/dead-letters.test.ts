/**
 * The dead-letter admin endpoints on the real embedded system (SQLite queue, worker, HTTP): a
 * message that is not a valid event is dead-lettered by the processor; an admin lists it and
 * replays it, others are refused. The same through `vextir dlq`, run as a process.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { deliveryKey, type DeadLetter, type Envelope } from '../../src/kernel/index.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

const run = promisify(execFile);
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system.stop();
});

/** Enqueue a body that fails envelope validation, straight onto the queue, and wait for the processor to dead-letter it. */
async function poison(id: string): Promise<string> {
  const body = { id, userid: 'alice', type: 42 } as unknown as Envelope;
  await system.host.system.storage.queue.publish([body]);
  const messageId = deliveryKey('alice', id);
  for (let i = 0; i < 200; i += 1) {
    if ((await system.host.system.storage.queue.list(100)).some((letter) => letter.messageId === messageId)) return messageId;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`message ${messageId} was not dead-lettered in time`);
}

async function list(admin: boolean, query = ''): Promise<{ status: number; body: { deadLetters?: DeadLetter[]; detail?: string } }> {
  const response = await system.request('root', 'GET', `/api/admin/dead-letters${query}`, { admin });
  return { status: response.status, body: (await response.json()) as { deadLetters?: DeadLetter[] } };
}

async function vextir(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [...vextirEntry(), ...args, '--url', system.url, '--token', await system.token('root', { admin: true })], {
    env: { PATH: process.env['PATH'] ?? '', VEXTIR_DATA_DIR: system.dataDir },
  });
  return stdout;
}

describe('admin dead-letter endpoints (embedded system)', () => {
  it('refuses callers without the admin role, and bad limits', async () => {
    const refused = await list(false);
    assert.equal(refused.status, 403);
    const replay = await system.request('alice', 'POST', `/api/admin/dead-letters/${deliveryKey('alice', 'x')}/replay`);
    assert.equal(replay.status, 403);
    await replay.arrayBuffer();
    assert.equal((await list(true, '?limit=0')).status, 400);
    assert.equal((await list(true, '?limit=501')).status, 400);
  });

  it('lists a poison message, replays it onto the queue with a fresh delivery count, and audits the replay', async () => {
    const messageId = await poison('not-an-event');
    const listed = await list(true, '?limit=10');
    assert.equal(listed.status, 200);
    const letter = listed.body.deadLetters?.find((l) => l.messageId === messageId);
    assert.equal(letter?.reason, 'invalid_event');
    assert.deepEqual(letter?.body, { id: 'not-an-event', userid: 'alice', type: 42 });
    assert.match(letter?.description ?? '', /type/);

    // Hold the worker so the replayed message (still not an event) is not dead-lettered again at once.
    await system.host.system.worker.stop(1000);
    const replay = await system.request('root', 'POST', `/api/admin/dead-letters/${encodeURIComponent(messageId)}/replay`, { admin: true });
    assert.equal(replay.status, 202);
    assert.deepEqual(await replay.json(), { replayed: messageId });
    assert.deepEqual((await list(true)).body.deadLetters?.filter((l) => l.messageId === messageId), []);

    const [delivery] = await system.host.system.storage.queue.receive(1);
    assert.deepEqual([delivery?.messageId, delivery?.deliveryCount, delivery?.body], [messageId, 1, letter?.body]);
    await system.host.system.storage.queue.release(delivery!);

    const audit = await system.request('root', 'GET', '/api/audit?limit=1000', { admin: true });
    const entries = ((await audit.json()) as { entries: Array<{ kind: string; action: string; target: string }> }).entries;
    assert.ok(entries.some((entry) => entry.kind === 'admin' && entry.action === 'dead_letter.replay' && entry.target === messageId));
  });

  it('answers 404 for an unknown message id', async () => {
    const unknown = await system.request('root', 'POST', '/api/admin/dead-letters/no-such-message/replay', { admin: true });
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
  });

  it('vextir dlq ls and vextir dlq replay', async () => {
    // The message replayed above is on the queue (the worker is stopped): dead-letter it again.
    const queue = system.host.system.storage.queue;
    const [delivery] = await queue.receive(1);
    await queue.settle(delivery!, { kind: 'poison', reason: 'invalid_event', description: 'type: expected string' });
    const messageId = delivery!.messageId;
    const listed = await vextir('dlq', 'ls', '--limit', '5');
    assert.match(listed, new RegExp(`${messageId}  invalid_event \\(deliveries: 1\\)  42 not-an-event user=alice`));
    assert.match(listed, /^ {4}type: expected string$/m);
    assert.match(await vextir('dlq', 'replay', messageId), new RegExp(`^${messageId}: back on the queue`));
    assert.equal(await vextir('dlq', 'ls'), 'no dead letters\n');
  });
});
