/**
 * A throttled event on the embedded queue: acknowledging the delivery, publishing the event again
 * under `throttle:1` for its time, and recording it `throttled` are one SQLite transaction. So a
 * failure inside the settle changes nothing, and a crash before it commits leaves the delivery to
 * be redelivered after a restart, which throttles the event into the same round, once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createDriverRegistry, defineDriver } from '../../src/drivers/index.js';
import { deliveryKey, EventProcessor, isKernelError, throttleRunAt, type Authorizer, type EventStore, type Outcome } from '../../src/kernel/index.js';
import { makeEvent, silentLogger, type TestClock } from '../helpers/kernel-fixture.js';
import { openTempStorage } from './sqlite-harness.js';

/** Throttles to the next minute while `closed`; counts the driver's runs. */
function processorOver(store: EventStore, clock: TestClock, gate: { closed: boolean }, runs: string[]): EventProcessor {
  const authorizer: Authorizer = {
    name: 'gate',
    async authorize(event) {
      if (!gate.closed) return { decision: { allowed: true, authorizer: 'gate', reason: 'under the limit', policies: [] } };
      const throttle = { policy: 'limit', window: 'minute' as const, runAt: throttleRunAt('minute', clock.now(), event.id).toISOString() };
      return { decision: { allowed: false, authorizer: 'gate', reason: 'over the limit', policies: ['limit'], verdict: 'throttle', throttle } };
    },
  };
  const driver = defineDriver({
    manifest: { id: 'work', name: 'Work', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
    async handle(event) {
      runs.push(event.id);
      return [];
    },
  });
  return new EventProcessor({ store, drivers: createDriverRegistry([driver]), authorizer, clock, logger: silentLogger });
}

function delayOf(outcome: Outcome) {
  if (outcome.kind !== 'delay') throw new Error(`expected a delay, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** What is on the queue: message ids and when each becomes visible. */
function queued(db: { prepare(sql: string): { all(): unknown[] } }): Array<{ message_id: string; visible_at: number }> {
  return db.prepare('SELECT message_id, visible_at FROM bus_messages ORDER BY seq').all() as Array<{ message_id: string; visible_at: number }>;
}

describe('SQLite: a throttled event', () => {
  it('is acknowledged, published again for its time under throttle:1 and recorded, in one transaction', async () => {
    const storage = openTempStorage({ lockMs: 1000 });
    try {
      const gate = { closed: true };
      const processor = processorOver(storage.store, storage.clock, gate, []);
      await storage.queue.publish([makeEvent()]);
      const [delivery] = await storage.queue.receive(1);

      // A failing audit insert rolls the whole settle back: no re-publication, no record.
      const delay = delayOf(await processor.process(delivery!.body, { deliveryCount: 1, messageId: delivery!.messageId }));
      storage.db.exec(`CREATE TRIGGER no_audit BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit refused'); END`);
      await assert.rejects(storage.queue.settle(delivery!, delay), (error) => isKernelError(error));
      assert.equal(await storage.store.get('alice', 'e1'), undefined);
      assert.deepEqual(queued(storage.db).map((row) => row.message_id), [deliveryKey('alice', 'e1')], 'only the leased original');

      storage.db.exec('DROP TRIGGER no_audit');
      await storage.queue.settle(delivery!, delay);
      assert.equal((await storage.store.get('alice', 'e1'))?.status, 'throttled');
      assert.deepEqual(queued(storage.db), [{ message_id: deliveryKey('alice', 'e1', 'throttle:1'), visible_at: delay.republish.notBefore.getTime() }]);
    } finally {
      storage.dispose();
    }
  });

  it('survives a crash before the settle commits: redelivered after the restart, throttled into the same round once, run once at its time', async () => {
    const first = openTempStorage({ lockMs: 1000 });
    try {
      const gate = { closed: true };
      const runs: string[] = [];
      await first.queue.publish([makeEvent()]);
      const [delivery] = await first.queue.receive(1);
      const lost = delayOf(await processorOver(first.store, first.clock, gate, runs).process(delivery!.body, { deliveryCount: 1, messageId: delivery!.messageId }));
      first.close(); // the process dies here: the outcome was never settled

      const second = first.reopen();
      assert.equal(second.queue.releaseExpiredAndOrphanedLocks(), 1);
      const processor = processorOver(second.store, first.clock, gate, runs);
      const [again] = await second.queue.receive(1);
      assert.deepEqual([again?.messageId, again?.deliveryCount], [deliveryKey('alice', 'e1'), 2]);
      const delay = delayOf(await processor.process(again!.body, { deliveryCount: again!.deliveryCount, messageId: again!.messageId }));
      assert.deepEqual(delay.republish, lost.republish, 'the same round, at the same time');
      await second.queue.settle(again!, delay);
      assert.equal(queued(second.db).length, 1);

      gate.closed = false;
      first.clock.advance(delay.republish.notBefore.getTime() - first.clock.now().getTime());
      const [round] = await second.queue.receive(10);
      assert.deepEqual([round?.messageId, round?.deliveryCount], [deliveryKey('alice', 'e1', 'throttle:1'), 1]);
      await second.queue.settle(round!, await processor.process(round!.body, { deliveryCount: 1, messageId: round!.messageId }));
      assert.equal((await second.store.get('alice', 'e1'))?.status, 'processed');
      assert.deepEqual(runs, ['e1']);
      assert.equal(await second.queue.depth(), 0);
    } finally {
      first.dispose();
    }
  });
});
