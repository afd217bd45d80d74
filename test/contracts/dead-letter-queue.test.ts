/**
 * The DeadLetterQueue port on the embedded adapters (memory and SQLite), one suite for both:
 * listing newest first within the limit, replay back to the queue with a fresh delivery count,
 * `not_found` and `conflict`. (Service Bus: test/azure/service-bus-dead-letters.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryAuditLog, MemoryEventStore, MemoryQueue } from '../../src/adapters/memory/index.js';
import { deliveryKey, isKernelError, type DeadLetterQueue, type EventBus, type QueueConsumer } from '../../src/kernel/index.js';
import { makeEvent, TestClock } from '../helpers/kernel-fixture.js';
import { openTempStorage } from './sqlite-harness.js';

type Queue = EventBus & QueueConsumer & DeadLetterQueue;
interface Opened {
  queue: Queue;
  clock: TestClock;
  /** Whether a delivery key is forgotten after a window (so a dead letter's id can be queued again). */
  forgetsDeliveryKeys: boolean;
  close(): void;
}

const adapters: Record<string, () => Opened> = {
  memory: () => {
    const clock = new TestClock();
    const queue = new MemoryQueue({ clock });
    queue.bindStore(new MemoryEventStore(), new MemoryAuditLog());
    return { queue, clock, forgetsDeliveryKeys: false, close: () => undefined };
  },
  sqlite: () => {
    const storage = openTempStorage();
    return { queue: storage.queue, clock: storage.clock, forgetsDeliveryKeys: true, close: () => storage.dispose() };
  },
};

for (const [name, open] of Object.entries(adapters)) {
  describe(`DeadLetterQueue: ${name}`, () => {
    const withQueue = (test: (opened: Opened) => Promise<void>) => async () => {
      const opened = open();
      try {
        await test(opened);
      } finally {
        opened.close();
      }
    };
    const poison = async (queue: Queue, ids: string[]): Promise<void> => {
      await queue.publish(ids.map((id) => makeEvent({ id })));
      for (const delivery of await queue.receive(ids.length)) {
        await queue.settle(delivery, { kind: 'poison', reason: 'invalid_event', description: `bad ${(delivery.body as { id: string }).id}` });
      }
    };

    it('lists newest first, at most `limit`', withQueue(async ({ queue, clock }) => {
      await poison(queue, ['d1']);
      clock.advance(1000);
      await poison(queue, ['d2']);
      const letters = await queue.list(10);
      assert.deepEqual(letters.map((letter) => [letter.messageId, letter.reason, letter.description, letter.deliveryCount]), [
        [deliveryKey('alice', 'd2'), 'invalid_event', 'bad d2', 1],
        [deliveryKey('alice', 'd1'), 'invalid_event', 'bad d1', 1],
      ]);
      assert.equal(letters[0]?.deadLetteredAt, clock.now().toISOString());
      assert.deepEqual((await queue.list(1)).map((letter) => letter.messageId), [deliveryKey('alice', 'd2')]);
    }));

    it('replays onto the queue with a fresh delivery count and removes the dead letter', withQueue(async ({ queue }) => {
      await poison(queue, ['d1', 'd2']);
      await queue.replay(deliveryKey('alice', 'd1'));
      assert.deepEqual((await queue.list(10)).map((letter) => letter.messageId), [deliveryKey('alice', 'd2')]);
      assert.equal(await queue.depth(), 1);
      const [delivery] = await queue.receive(10);
      assert.deepEqual([delivery?.messageId, delivery?.deliveryCount, (delivery?.body as { id: string }).id], [deliveryKey('alice', 'd1'), 1, 'd1']);
    }));

    it('not_found for an unknown or already replayed id; conflict while the message is queued', withQueue(async ({ queue, clock, forgetsDeliveryKeys }) => {
      await assert.rejects(queue.replay('no-such-message'), (error) => isKernelError(error, 'not_found'));
      await poison(queue, ['d1']);
      await queue.replay(deliveryKey('alice', 'd1'));
      await assert.rejects(queue.replay(deliveryKey('alice', 'd1')), (error) => isKernelError(error, 'not_found'));

      // The memory queue remembers delivery keys forever: its dead letter's id can never be queued twice.
      if (!forgetsDeliveryKeys) return;
      // Dead-letter it again, then get the same message id queued by another route (a later publish).
      const [delivery] = await queue.receive(1);
      await queue.settle(delivery!, { kind: 'poison', reason: 'invalid_event', description: 'again' });
      clock.advance(25 * 60 * 60 * 1000); // past the SQLite queue's duplicate-detection window
      await queue.publish([makeEvent({ id: 'd1' })]);
      assert.equal(await queue.depth(), 1);
      await assert.rejects(queue.replay(deliveryKey('alice', 'd1')), (error) => isKernelError(error, 'conflict'));
      assert.equal((await queue.list(10)).length, 1, 'a refused replay keeps the dead letter');
    }));
  });
}
