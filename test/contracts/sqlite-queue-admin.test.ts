/**
 * SQLite queue behaviour beyond the shared contract: the duplicate-detection window, dead-letter
 * replay for the CLI, waking on scheduled messages, and how store reads and a closed database fail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { deliveryKey, isKernelError } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { makeRecord } from './fixtures.js';
import { openTempStorage, type TempStorage } from './sqlite-harness.js';

const seenKeys = (storage: TempStorage): unknown => storage.db.prepare('SELECT COUNT(*) FROM bus_seen').pluck().get();

describe('SQLite queue: windows, dead letters, waking, failures', () => {
  it('forgets delivery keys after the duplicate-detection window and prunes them periodically', async () => {
    const storage = openTempStorage({ dedupeWindowMs: 10_000 });
    try {
      await storage.queue.publish([makeEvent()]);
      const [delivery] = await storage.queue.receive(1);
      await storage.queue.settle(delivery!, { kind: 'skip', reason: 'test' });
      storage.clock.advance(9_999);
      await storage.queue.publish([makeEvent()]);
      assert.equal(await storage.queue.depth(), 0, 'still a duplicate inside the window');
      storage.clock.advance(1);
      await storage.queue.publish([makeEvent()]);
      assert.equal(await storage.queue.depth(), 1, 'a new message once the window has passed');

      await storage.queue.publish([makeEvent({ id: 'e2' })]);
      assert.equal(seenKeys(storage), 2);
      storage.clock.advance(60_000); // the default prune interval
      await storage.queue.publish([makeEvent({ id: 'e3' })]);
      assert.equal(seenKeys(storage), 1, 'expired keys were pruned by a later publish');
    } finally {
      storage.dispose();
    }
  });

  it('lists dead letters newest first and replays one with a fresh delivery count', async () => {
    const storage = openTempStorage({ dedupeWindowMs: 1000 });
    try {
      await storage.queue.publish([makeEvent({ id: 'p1' }), makeEvent({ id: 'p2' })]);
      for (const delivery of await storage.queue.receive(2)) {
        await storage.queue.settle(delivery, { kind: 'poison', reason: 'invalid_event', description: 'test' });
      }
      const letters = storage.queue.listDeadLetters(10);
      assert.deepEqual(letters.map((letter) => (letter.body as { id: string }).id), ['p2', 'p1']);
      assert.equal(letters[0]?.deadLetteredAt, storage.clock.now().toISOString());

      storage.queue.replayDeadLetter(deliveryKey('alice', 'p1'));
      const [replayed] = await storage.queue.receive(10);
      assert.deepEqual([replayed?.messageId, replayed?.deliveryCount], [deliveryKey('alice', 'p1'), 1]);
      assert.throws(() => storage.queue.replayDeadLetter(deliveryKey('alice', 'p1')), (error) => isKernelError(error, 'not_found'));

      storage.clock.advance(1000);
      await storage.queue.publish([makeEvent({ id: 'p2' })]);
      assert.throws(() => storage.queue.replayDeadLetter(deliveryKey('alice', 'p2')), (error) => isKernelError(error, 'conflict'));
      assert.equal(storage.queue.listDeadLetters(10).length, 1, 'a refused replay keeps the dead letter');
    } finally {
      storage.dispose();
    }
  });

  it('waitForWork wakes when a scheduled message comes due, and returns at once when one is due', async () => {
    const storage = openTempStorage();
    try {
      await storage.queue.publish([makeEvent()], { notBefore: new Date(storage.clock.now().getTime() + 50) });
      let started = Date.now();
      await storage.queue.waitForWork(10_000);
      assert.ok(Date.now() - started < 5000, 'woke for the scheduled message');
      storage.clock.advance(50);
      started = Date.now();
      await storage.queue.waitForWork(10_000);
      assert.ok(Date.now() - started < 1000, 'a due message means work now');
    } finally {
      storage.dispose();
    }
  });

  it('parses store reads: a row that no longer matches the record schema is an internal error', async () => {
    const storage = openTempStorage();
    try {
      await storage.store.save(makeRecord(makeEvent()));
      storage.db.prepare(`UPDATE event_records SET record = json_set(record, '$.status', 'exploded')`).run();
      await assert.rejects(storage.store.get('alice', 'e1'), (error) => isKernelError(error, 'internal'));
      await assert.rejects(storage.store.changes('alice', 'not-a-cursor', 10), (error) => isKernelError(error, 'invalid_input'));
    } finally {
      storage.dispose();
    }
  });

  it('fails with shutting_down once the database is closed', async () => {
    const storage = openTempStorage();
    try {
      storage.close();
      storage.close();
      await assert.rejects(storage.queue.publish([makeEvent()]), (error) => isKernelError(error, 'shutting_down'));
      await assert.rejects(storage.store.get('alice', 'e1'), (error) => isKernelError(error, 'shutting_down'));
      await storage.queue.waitForWork(1);
    } finally {
      storage.dispose();
    }
  });
});
