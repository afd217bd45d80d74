/**
 * The bus contract (EventBus + QueueConsumer), run against every adapter that implements it.
 * Time is a TestClock: scheduled delivery and lock expiry are driven by advancing it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { deliveryKey, type AuditLog, type DeadLetter, type Delivery, type EventBus, type EventStore, type QueueConsumer } from '../../src/kernel/index.js';
import { TestClock, makeEvent } from '../helpers/kernel-fixture.js';
import { childOf, completeOutcome, delayOutcome, retryOutcome, unchained } from './fixtures.js';

export interface QueueHarness {
  clock: TestClock;
  queue: EventBus & QueueConsumer;
  store: EventStore;
  audit: AuditLog;
  /** Newest first. */
  deadLetters(): DeadLetter[] | Promise<DeadLetter[]>;
  close(): void | Promise<void>;
}

export interface QueueHarnessOptions {
  clock: TestClock;
  lockMs: number;
  maxDeliveryCount: number;
}

/** Opens a fresh, empty queue (with its store and audit log) for one test. */
export type OpenQueue = (options: QueueHarnessOptions) => QueueHarness | Promise<QueueHarness>;

const LOCK_MS = 1000;

function one(deliveries: Delivery[]): Delivery {
  assert.equal(deliveries.length, 1, `expected one delivery, got ${deliveries.length}`);
  return deliveries[0]!;
}

export function eventQueueContract(adapter: string, open: OpenQueue): void {
  async function withQueue(test: (h: QueueHarness) => Promise<void>, maxDeliveryCount = 10): Promise<void> {
    const harness = await open({ clock: new TestClock(), lockMs: LOCK_MS, maxDeliveryCount });
    try {
      await test(harness);
    } finally {
      await harness.close();
    }
  }

  describe(`EventBus + QueueConsumer contract: ${adapter}`, () => {
    it('delivers published events in order, leased, with the delivery key as message id', () =>
      withQueue(async ({ queue, clock }) => {
        const events = [makeEvent({ id: 'a' }), makeEvent({ id: 'b' }), makeEvent({ id: 'c' })];
        await queue.publish(events);
        const deliveries = await queue.receive(2);
        assert.deepEqual(deliveries.map((d) => d.body), events.slice(0, 2));
        assert.deepEqual(deliveries.map((d) => d.messageId), [deliveryKey('alice', 'a'), deliveryKey('alice', 'b')]);
        assert.deepEqual(deliveries.map((d) => d.deliveryCount), [1, 1]);
        assert.deepEqual(deliveries[0]!.enqueuedAt, clock.now());
        assert.deepEqual((await queue.receive(10)).map((d) => d.body), [events[2]]);
        assert.deepEqual(await queue.receive(10), [], 'leased messages are invisible');
        assert.equal(await queue.depth(), 3, 'depth counts leased messages');
      }));

    it('settles complete: emits, records, audits and removes the message', () =>
      withQueue(async ({ queue, store, audit }) => {
        const event = makeEvent();
        await queue.publish([event]);
        const outcome = completeOutcome(event, [{ event: childOf(event, 'c1') }]);
        await queue.settle(one(await queue.receive(10)), outcome);
        assert.deepEqual(await store.get('alice', 'e1'), outcome.record);
        assert.deepEqual((await audit.list('alice', { eventId: 'e1', limit: 10 })).map(unchained), [outcome.audit]);
        assert.deepEqual(one(await queue.receive(10)).body, childOf(event, 'c1'));
        assert.equal(await queue.depth(), 1, 'only the child is left');
      }));

    it('drops duplicates of a delivery key, also after the original was completed', () =>
      withQueue(async ({ queue }) => {
        const event = makeEvent();
        await queue.publish([event, event]);
        await queue.publish([event]);
        await queue.publish([makeEvent({ userid: 'bob' })]);
        assert.equal(await queue.depth(), 2, 'the same id of another user is another message');
        const deliveries = await queue.receive(10);
        for (const delivery of deliveries) await queue.settle(delivery, { kind: 'skip', reason: 'test' });
        await queue.publish([event]);
        await queue.publish([makeEvent({ userid: 'bob' })]);
        assert.equal(await queue.depth(), 0);
        assert.deepEqual(await queue.receive(10), []);
      }));

    it('drops an emission that duplicates an event already published', () =>
      withQueue(async ({ queue }) => {
        const parent = makeEvent();
        await queue.publish([parent, childOf(parent, 'c1')]);
        const [first] = await queue.receive(1);
        await queue.settle(first!, completeOutcome(parent, [{ event: childOf(parent, 'c1') }]));
        assert.equal(await queue.depth(), 1);
      }));

    it('delivers a scheduled message no earlier than notBefore', () =>
      withQueue(async ({ queue, clock }) => {
        await queue.publish([makeEvent({ id: 'later' })], { notBefore: new Date(clock.now().getTime() + 5000) });
        await queue.publish([makeEvent({ id: 'now' })]);
        const now = one(await queue.receive(10));
        assert.equal((now.body as { id: string }).id, 'now');
        assert.equal(await queue.depth(), 2, 'depth counts scheduled messages');
        await queue.settle(now, { kind: 'skip', reason: 'test' });
        clock.advance(4999);
        assert.deepEqual(await queue.receive(10), []);
        clock.advance(1);
        assert.equal((one(await queue.receive(10)).body as { id: string }).id, 'later');
      }));

    it('redelivers after the lock expires, counting the delivery', () =>
      withQueue(async ({ queue, clock }) => {
        await queue.publish([makeEvent()]);
        assert.equal(one(await queue.receive(10)).deliveryCount, 1);
        clock.advance(LOCK_MS - 1);
        assert.deepEqual(await queue.receive(10), []);
        clock.advance(1);
        assert.equal(one(await queue.receive(10)).deliveryCount, 2);
      }));

    it('release gives the delivery back uncounted; abandon counts it and delays', () =>
      withQueue(async ({ queue, clock }) => {
        await queue.publish([makeEvent()]);
        await queue.release(one(await queue.receive(10)));
        const again = one(await queue.receive(10));
        assert.equal(again.deliveryCount, 1, 'a released delivery does not count');
        await queue.abandon(again, 500);
        assert.deepEqual(await queue.receive(10), []);
        clock.advance(500);
        assert.equal(one(await queue.receive(10)).deliveryCount, 2, 'an abandoned delivery counts');
      }));

    it('dead-letters a message that reached the max delivery count unsettled', () =>
      withQueue(async ({ queue, clock, deadLetters }) => {
        const event = makeEvent();
        await queue.publish([event]);
        await queue.receive(1);
        clock.advance(LOCK_MS);
        const second = one(await queue.receive(1));
        assert.equal(second.deliveryCount, 2);
        await queue.abandon(second, 0);
        await queue.publish([makeEvent({ id: 'e2' })]);
        const next = one(await queue.receive(10));
        assert.equal((next.body as { id: string }).id, 'e2', 'the exhausted message is skipped in the same receive');
        assert.equal(await queue.depth(), 1);
        const [letter] = await deadLetters();
        assert.equal(letter?.messageId, deliveryKey('alice', 'e1'));
        assert.equal(letter?.reason, 'max_delivery_count_exceeded');
        assert.equal(letter?.deliveryCount, 2);
        assert.deepEqual(letter?.body, event);
      }, 2));

    it('dead-letters a poison message with its reason and description, writing nothing else', () =>
      withQueue(async ({ queue, store, deadLetters }) => {
        await queue.publish([makeEvent()]);
        await queue.settle(one(await queue.receive(10)), { kind: 'poison', reason: 'invalid_event', description: 'bad specversion' });
        assert.equal(await queue.depth(), 0);
        assert.equal(await store.get('alice', 'e1'), undefined);
        const [letter] = await deadLetters();
        assert.deepEqual([letter?.reason, letter?.description, letter?.deliveryCount], ['invalid_event', 'bad specversion', 1]);
      }));

    it('settles retry: keeps the record and emissions, redelivers after retryAfterMs', () =>
      withQueue(async ({ queue, store, audit, clock }) => {
        const event = makeEvent();
        await queue.publish([event]);
        const retry = retryOutcome(event, [{ event: childOf(event, 'c1') }], 2000);
        await queue.settle(one(await queue.receive(10)), retry);
        assert.equal((await store.get('alice', 'e1'))?.status, 'accepted');
        const child = one(await queue.receive(10));
        assert.deepEqual(child.body, childOf(event, 'c1'), 'the emission is out at once');
        await queue.settle(child, { kind: 'skip', reason: 'test' });
        clock.advance(1999);
        assert.deepEqual(await queue.receive(10), []);
        clock.advance(1);
        const redelivered = one(await queue.receive(10));
        assert.equal(redelivered.deliveryCount, 2);
        const done = completeOutcome(event, [{ event: childOf(event, 'c1') }]);
        done.audit.attempt = 2;
        await queue.settle(redelivered, done);
        assert.equal((await store.get('alice', 'e1'))?.status, 'processed');
        assert.deepEqual((await audit.list('alice', { eventId: 'e1', limit: 10 })).map((entry) => entry.attempt), [2, 1]);
        assert.equal(await queue.depth(), 0, 'the re-emitted child was a duplicate');
      }));

    it('settles delay: records, emits, removes the message and publishes the event again for notBefore under its release', () =>
      withQueue(async ({ queue, store, audit, clock }) => {
        const event = makeEvent();
        await queue.publish([event]);
        const notBefore = new Date(clock.now().getTime() + 5000);
        const delay = delayOutcome(event, notBefore, 1, [{ event: childOf(event, 'n1') }]);
        await queue.settle(one(await queue.receive(10)), delay);
        assert.deepEqual(await store.get('alice', 'e1'), delay.record);
        assert.deepEqual((await audit.list('alice', { eventId: 'e1', limit: 10 })).map(unchained), [delay.audit]);
        const emitted = one(await queue.receive(10));
        assert.deepEqual(emitted.body, childOf(event, 'n1'), 'the emission is out at once');
        await queue.settle(emitted, { kind: 'skip', reason: 'test' });
        await queue.publish([event], { release: 'throttle:1' });
        assert.equal(await queue.depth(), 1, 'a second publication of the same round is dropped');
        clock.advance(4999);
        assert.deepEqual(await queue.receive(10), []);
        clock.advance(1);
        const round = one(await queue.receive(10));
        assert.deepEqual([round.messageId, round.deliveryCount, round.body], [deliveryKey('alice', 'e1', 'throttle:1'), 1, event]);
      }));

    it('waitForWork resolves on a publish, on abort, and at maxWaitMs', () =>
      withQueue(async ({ queue }) => {
        let started = Date.now();
        const woken = queue.waitForWork(10_000);
        await queue.publish([makeEvent()]);
        await woken;
        assert.ok(Date.now() - started < 5000, 'a publish wakes the waiter');
        const controller = new AbortController();
        started = Date.now();
        const aborted = queue.waitForWork(10_000, controller.signal);
        controller.abort();
        await aborted;
        assert.ok(Date.now() - started < 5000, 'an abort wakes the waiter');
        await queue.settle(one(await queue.receive(10)), { kind: 'skip', reason: 'test' });
        started = Date.now();
        await queue.waitForWork(30);
        assert.ok(Date.now() - started >= 20, 'an idle queue waits');
      }));
  });
}
