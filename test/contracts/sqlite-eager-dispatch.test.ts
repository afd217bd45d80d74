/**
 * Eager dispatch in the SQLite queue: a settle's follow-ups are written already leased to the
 * settling connection's consumer and received from memory. What must hold: other connections never
 * see them as deliverable, the bound is kept, a duplicate or a later one is enqueued as before, and
 * nothing is lost when the consumer stops or dies with follow-ups it has not received.
 * (The whole queue contract also runs with eager dispatch on: sqlite-adapters.test.ts.)
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import type { Delivery } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { childOf, completeOutcome } from './fixtures.js';
import { openTempStorage, type TempStorage } from './sqlite-harness.js';

const opened: TempStorage[] = [];
afterEach(() => opened.splice(0).forEach((storage) => storage.dispose()));

function open(eagerDeliveries: number, lockOwner?: string): TempStorage {
  const storage = openTempStorage({ eagerDeliveries, ...(lockOwner !== undefined && { lockOwner }) });
  opened.push(storage);
  return storage;
}

const ids = (deliveries: readonly Delivery[]): string[] => deliveries.map((delivery) => (delivery.body as { id: string }).id);

/** Publishes a root, receives it and settles it with `children` as its follow-ups. */
async function settleWithChildren(storage: TempStorage, children: string[], notBefore?: Date): Promise<void> {
  const root = makeEvent({ id: 'root' });
  await storage.queue.publish([root]);
  const [delivery] = await storage.queue.receive(1);
  await storage.queue.settle(delivery!, completeOutcome(root, children.map((id) => ({ event: childOf(root, id), ...(notBefore && { notBefore }) }))));
}

describe('SQLite queue: eager dispatch of follow-ups', () => {
  it('hands a follow-up to the settling consumer, leased and durable, and to no other connection', async () => {
    const storage = open(4);
    const other = storage.reopen().queue;
    await settleWithChildren(storage, ['c1']);
    assert.deepEqual(await other.receive(10), [], 'the follow-up is leased: another connection cannot take it');
    assert.equal(await other.depth(), 1, 'it is in the table, committed with the settle');
    const [child] = await storage.queue.receive(10);
    assert.deepEqual(ids([child!]), ['c1']);
    assert.equal(child!.deliveryCount, 1);
    await storage.queue.settle(child!, completeOutcome(child!.body as ReturnType<typeof makeEvent>));
    assert.equal(await storage.queue.depth(), 0, 'settled with the lease it was written with');
  });

  it('leases no more than its bound; the rest are enqueued for any consumer', async () => {
    const storage = open(1);
    const other = storage.reopen().queue;
    await settleWithChildren(storage, ['c1', 'c2', 'c3']);
    assert.deepEqual(ids(await other.receive(10)), ['c2', 'c3']);
    assert.deepEqual(ids(await storage.queue.receive(10)), ['c1']);
  });

  it('enqueues a follow-up due later as before', async () => {
    const storage = open(4);
    await settleWithChildren(storage, ['later'], new Date(storage.clock.now().getTime() + 5000));
    assert.deepEqual(await storage.queue.receive(10), []);
    storage.clock.advance(5000);
    assert.deepEqual(ids(await storage.queue.receive(10)), ['later']);
  });

  it('drops a follow-up whose event was already published, as any emission', async () => {
    const storage = open(4);
    const root = makeEvent({ id: 'root' });
    await storage.queue.publish([root, childOf(root, 'c1')]);
    const [first] = await storage.queue.receive(1);
    await storage.queue.settle(first!, completeOutcome(root, [{ event: childOf(root, 'c1') }]));
    assert.deepEqual(ids(await storage.queue.receive(10)), ['c1'], 'once: the published copy');
    assert.deepEqual(await storage.queue.receive(10), []);
  });

  it('gives back on close the follow-ups the consumer did not receive', async () => {
    const storage = open(4);
    await settleWithChildren(storage, ['c1']);
    storage.close();
    const [child] = await storage.reopen().queue.receive(10);
    assert.deepEqual(ids([child!]), ['c1']);
    assert.equal(child!.deliveryCount, 1, 'the delivery that never reached the consumer is not counted');
  });

  it("releases a dead consumer's unreceived follow-ups with its other leases", async () => {
    const storage = open(4, 't1.1');
    await settleWithChildren(storage, ['c1']);
    const survivor = storage.reopen().queue;
    assert.equal(survivor.releaseLeasesOf('t1.1'), 1);
    assert.deepEqual(ids(await survivor.receive(10)), ['c1']);
  });

  it('leases nothing when the settle lost its lock, and frees its places', async () => {
    const storage = open(1);
    const root = makeEvent({ id: 'root' });
    await storage.queue.publish([root]);
    const [delivery] = await storage.queue.receive(1);
    const stale = { ...delivery!, lockToken: 'not-the-lease' };
    await assert.rejects(storage.queue.settle(stale, completeOutcome(root, [{ event: childOf(root, 'c1') }])), /lock .* was lost/);
    assert.deepEqual(await storage.queue.receive(10), []);
    await storage.queue.settle(delivery!, completeOutcome(root, [{ event: childOf(root, 'c2') }]));
    assert.deepEqual(ids(await storage.reopen().queue.receive(10)), [], 'its one place was free again: c2 was leased eagerly');
    assert.deepEqual(ids(await storage.queue.receive(10)), ['c2']);
  });
});
