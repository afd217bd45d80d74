/**
 * The embedded queue with consumers on several connections, in several threads, racing for the
 * same messages (what the host's processor threads do): every message is settled exactly once,
 * the audit chain that every settle extends stays one linear chain, and the leases of a consumer
 * that died are released at once by its owner name, keeping their delivery counts.
 *
 * Leasing is safe across connections because a lease is one IMMEDIATE transaction (SQLite lets
 * one writer in at a time, and the lease moves `visible_at` past now before it commits) and a
 * settle checks the lock token in its own. The WriteLock only decides who writes next without
 * SQLite's sleeping busy handler, so the race is run with it and without it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, it } from 'vitest';
import { WriteLock } from '../../src/adapters/local/index.js';
import { deliveryKey, verifyAuditChain } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { openTempStorage } from './sqlite-harness.js';

const BOOTSTRAP = new URL('../../src/hosts/embedded/threads/thread-entry.mjs', import.meta.url);
const CONSUMER = pathToFileURL('test/fixtures/threads/queue-consumer.ts').href;
const MESSAGES = 300;
const THREADS = 3;

interface Report {
  ready?: boolean;
  settled?: Array<{ messageId: string; deliveryCount: number }>;
  conflicts?: number;
  held?: string[];
}

interface Consumer {
  /** Resolves when the thread waits for `go` (racing consumers) or has reported (one that dies). */
  ready: Promise<Report>;
  go(): void;
  report: Promise<Report>;
  exited: Promise<number>;
}

function consumer(data: Record<string, unknown>): Consumer {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: CONSUMER, data } });
  const messages: Report[] = [];
  const waiting: Array<(report: Report) => void> = [];
  worker.on('message', (message: Report) => (waiting.shift() ?? ((report: Report) => messages.push(report)))(message));
  const next = (): Promise<Report> => {
    const queued = messages.shift();
    return queued ? Promise.resolve(queued) : new Promise<Report>((resolve) => waiting.push(resolve));
  };
  const exited = once(worker, 'exit').then(([code]) => code as number);
  // A thread that ends without a word (an error, an empty event loop) fails the test instead of hanging it.
  const failed = exited.then((code) => Promise.reject(new Error(`the consumer exited with ${code} before reporting`)));
  failed.catch(() => undefined);
  const ready = Promise.race([next(), failed]);
  const report = ready.then(() => Promise.race([next(), failed]));
  report.catch(() => undefined); // awaited by the tests that expect a report
  return { ready, go: () => worker.postMessage('go'), report, exited };
}

describe('SQLite queue: consumers in several threads', () => {
  for (const shared of [true, false]) {
    it(`settles every message exactly once and keeps the audit chain linear (${shared ? 'with' : 'without'} the shared write lock)`, async () => {
      const storage = openTempStorage({ lockMs: 60_000 });
      try {
        const events = Array.from({ length: MESSAGES }, (_, i) => makeEvent({ id: `e${i}` }));
        await storage.queue.publish(events);
        const buffer = new SharedArrayBuffer(WriteLock.BYTES);
        const threads = Array.from({ length: THREADS }, (_, i) =>
          consumer({ file: storage.file, lockOwner: `c${i}`, atMost: MESSAGES / 2, ...(shared && { writeLock: { id: i + 2, buffer } }) }),
        );
        await Promise.all(threads.map((thread) => thread.ready));
        for (const thread of threads) thread.go();
        const reports = await Promise.all(threads.map((thread) => thread.report));
        for (const thread of threads) assert.equal(await thread.exited, 0);

        const settled = reports.flatMap((report) => report.settled ?? []);
        assert.equal(settled.length, MESSAGES, 'every message settled once, none twice');
        assert.deepEqual(new Set(settled.map((s) => s.messageId)), new Set(events.map((event) => deliveryKey(event.userid, event.id))));
        assert.ok(settled.every((s) => s.deliveryCount === 1), 'no message was leased twice');
        assert.deepEqual(reports.map((report) => report.conflicts), [0, 0, 0], 'no lease was taken over');
        assert.ok(reports.filter((report) => (report.settled?.length ?? 0) > 0).length >= 2, 'the threads really raced (each settles at most half)');
        assert.equal(await storage.queue.depth(), 0);

        const chain = await storage.audit.chain('alice', { afterSeq: 0, limit: MESSAGES + 1 });
        assert.equal(chain.length, MESSAGES);
        assert.deepEqual(verifyAuditChain(chain), { ok: true, count: MESSAGES, head: { seq: MESSAGES, hash: chain.at(-1)?.hash } });
      } finally {
        storage.dispose();
      }
    });
  }

  it('releases the leases of a consumer that died, by its owner name, keeping their delivery counts', async () => {
    const storage = openTempStorage({ lockMs: 60_000 });
    try {
      await storage.queue.publish(Array.from({ length: 5 }, (_, i) => makeEvent({ id: `e${i}` })));
      const dead = consumer({ file: storage.file, lockOwner: 'dead.1', exitHolding: 4 });
      const { held = [] } = await dead.ready;
      assert.equal(await dead.exited, 1);
      assert.equal(held.length, 4);
      const [other] = await storage.queue.receive(1);
      assert.ok(other && !held.includes(other.messageId), 'the dead consumer still holds its leases');

      assert.equal(storage.queue.releaseLeasesOf('dead'), 0, 'another owner name matches nothing');
      assert.equal(storage.queue.releaseLeasesOf('dead.10'), 0, 'nor does a longer one');
      assert.equal(storage.queue.releaseLeasesOf('dead.1'), 4);
      const again = await storage.queue.receive(10);
      assert.deepEqual(again.map((delivery) => delivery.messageId).sort(), [...held].sort());
      assert.ok(again.every((delivery) => delivery.deliveryCount === 2), 'the delivery counts are kept, as after a crash');
      assert.equal(storage.queue.releaseLeasesOf('dead.1'), 0, "this connection's own leases are not the dead one's");
    } finally {
      storage.dispose();
    }
  });
});

describe('WriteLock', () => {
  it('is held by one holder at a time, gives up after its timeout, and can be cleared for a holder that died', async () => {
    const a = new WriteLock(1);
    const b = new WriteLock(2, a.buffer);
    assert.equal(a.tryAcquire(), true);
    assert.equal(b.tryAcquire(), false);
    assert.equal(b.acquire(30), false, 'a blocking acquire gives up after its timeout');
    let freed = false;
    const waiting = b.whenFree(5000).then(() => (freed = true));
    b.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(freed, false, 'only the holder releases');
    a.release();
    await waiting;
    assert.equal(b.tryAcquire(), true);
    assert.equal(WriteLock.releaseHeldBy(a.buffer, 1), false);
    assert.equal(WriteLock.releaseHeldBy(a.buffer, 2), true);
    assert.equal(a.tryAcquire(), true);
  });
});
