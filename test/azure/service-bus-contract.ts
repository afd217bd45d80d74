/**
 * What the Service Bus adapters promise beyond the generic bus contract, in real time, through
 * the real SDK. Run against the in-process broker (service-bus-adapters.test.ts) and against a
 * namespace (live-service-bus.test.ts), so event ids are unique per run: a namespace's duplicate
 * detection remembers earlier runs for its whole window.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import type { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusEventBus } from '../../src/adapters/azure/service-bus-bus.js';
import { ServiceBusQueueConsumer } from '../../src/adapters/azure/service-bus-consumer.js';
import { peekDeadLetters } from '../../src/adapters/azure/service-bus-dead-letters.js';
import { MemoryAuditLog, MemoryEventStore } from '../../src/adapters/memory/index.js';
import { deliveryKey, isKernelError, type Delivery, type Envelope } from '../../src/kernel/index.js';
import { childOf, completeOutcome, delayOutcome, retryOutcome } from '../contracts/fixtures.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

export interface ServiceBusTarget {
  client: ServiceBusClient;
  /** A queue for one test, empty, with duplicate detection on. */
  queue(): Promise<string>;
  /** The queues' lock duration and max delivery count. */
  lockMs: number;
  maxDeliveryCount: number;
  /** Transfers the queue received (broker only; a namespace does not tell). */
  transfers?(queue: string): number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function serviceBusContract(name: string, target: ServiceBusTarget): void {
  const run = randomUUID().slice(0, 8);
  let events = 0;
  const event = (overrides: Partial<Envelope> = {}): Envelope => makeEvent({ id: `sb-${run}-${++events}`, ...overrides });

  async function open() {
    const queueName = await target.queue();
    const store = new MemoryEventStore();
    const audit = new MemoryAuditLog();
    const bus = new ServiceBusEventBus(target.client, queueName);
    const consumer = new ServiceBusQueueConsumer(target.client, queueName, { targets: { bus, store, audit }, receiveWaitMs: 300 });
    const close = (): Promise<unknown> => Promise.all([bus.close(), consumer.close()]);
    return { queueName, store, audit, bus, consumer, close };
  }
  type Opened = Awaited<ReturnType<typeof open>>;
  const withQueue = (test: (q: Opened) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await test(opened);
    } finally {
      await opened.close();
    }
  };
  /** Receive until `count` deliveries arrived or `withinMs` passed. */
  async function receiveAll(consumer: ServiceBusQueueConsumer, count: number, withinMs = 5000): Promise<Delivery[]> {
    const out: Delivery[] = [];
    const deadline = Date.now() + withinMs;
    while (out.length < count && Date.now() < deadline) out.push(...(await consumer.receive(count - out.length)));
    return out;
  }

  /**
   * Receive and settle (skip) for `forMs` or until `until` arrived; settling at once keeps the
   * locks from expiring, which would redeliver them.
   */
  async function settleAll(consumer: ServiceBusQueueConsumer, forMs: number, until = Infinity): Promise<unknown[]> {
    const bodies: unknown[] = [];
    const deadline = Date.now() + forMs;
    while (Date.now() < deadline && bodies.length < until) {
      for (const delivery of await consumer.receive(10)) {
        bodies.push(delivery.body);
        await consumer.settle(delivery, { kind: 'skip', reason: 'test' });
      }
    }
    return bodies;
  }

  describe(`Service Bus adapters: ${name}`, () => {
    it('sends a CloudEvent message: JSON body, delivery key as messageId, type as subject, properties', withQueue(async ({ queueName, bus }) => {
      const sent = event({ correlationid: 'root-1' });
      await bus.publish([sent]);
      const receiver = target.client.createReceiver(queueName, { receiveMode: 'receiveAndDelete' });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
      await receiver.close();
      assert.deepEqual(message?.body, sent);
      assert.equal(message?.messageId, deliveryKey('alice', sent.id));
      assert.deepEqual([message?.contentType, message?.subject, message?.correlationId], ['application/cloudevents+json', 'demo.ping', 'root-1']);
      assert.deepEqual(message?.applicationProperties, { userid: 'alice', eventId: sent.id });
    }));

    it('splits a publish over several batches when it exceeds the size limit, in order', withQueue(async ({ queueName, bus, consumer }) => {
      const probe = target.client.createSender(queueName);
      const limit = (await probe.createMessageBatch()).maxSizeInBytes;
      await probe.close();
      const big = 'x'.repeat(Math.floor(limit / 3));
      const sent = Array.from({ length: 5 }, () => event({ data: { big } }));
      const before = target.transfers?.(queueName) ?? 0;
      await bus.publish(sent);
      if (target.transfers) assert.ok(target.transfers(queueName) - before >= 3, 'three events of a third of the limit cannot share a batch');
      const received = await settleAll(consumer, 10_000, 5);
      assert.deepEqual(received.map((body) => (body as Envelope).id), sent.map((e) => e.id));
    }));

    it('refuses one event larger than the limit with payload_too_large, sending nothing', withQueue(async ({ queueName, bus, consumer }) => {
      const probe = target.client.createSender(queueName);
      const limit = (await probe.createMessageBatch()).maxSizeInBytes;
      await probe.close();
      const small = event();
      const huge = event({ data: { big: 'x'.repeat(limit) } });
      await assert.rejects(bus.publish([small, huge]), (error) => isKernelError(error, 'payload_too_large') && !error.retryable);
      assert.deepEqual(await consumer.receive(10), [], 'the batch is built before anything is sent');
    }));

    it('the queue drops a duplicate messageId: re-publishing an event is a no-op', withQueue(async ({ queueName, bus, consumer }) => {
      const sent = event();
      await bus.publish([sent]);
      await bus.publish([sent, sent]);
      const raw = target.client.createSender(queueName);
      await raw.sendMessages({ body: 'impostor', messageId: deliveryKey('alice', sent.id) });
      await raw.close();
      assert.deepEqual(await settleAll(consumer, 1500), [sent]);
    }));

    it('retry: the message comes back after retryAfterMs as the next attempt, the record kept', withQueue(async ({ bus, consumer, store }) => {
      const sent = event();
      await bus.publish([sent]);
      const [first] = await receiveAll(consumer, 1);
      const started = Date.now();
      await consumer.settle(first!, retryOutcome(sent, [{ event: childOf(sent, `${sent.id}-c`) }], 1500));
      assert.equal((await store.get('alice', sent.id))?.status, 'accepted');
      const [child] = await receiveAll(consumer, 1);
      assert.equal((child?.body as Envelope).id, `${sent.id}-c`, 'the emission is out at once');
      await consumer.settle(child!, { kind: 'skip', reason: 'test' });
      const [again] = await receiveAll(consumer, 1, 10_000);
      assert.ok(Date.now() - started >= 1400, `redelivered after ${Date.now() - started} ms`);
      assert.equal(again?.deliveryCount, 2);
      assert.equal(again?.messageId, `${deliveryKey('alice', sent.id)}.r1`);
      assert.deepEqual(again?.body, sent);
      await consumer.settle(again, completeOutcome(sent));
      assert.equal(await consumer.depth(), 0);
    }));

    it('delay: the original completes; the event comes back not before notBefore under its release, once per round', withQueue(async ({ bus, consumer, store }) => {
      const sent = event();
      await bus.publish([sent]);
      const [first] = await receiveAll(consumer, 1);
      const started = Date.now();
      const delay = delayOutcome(sent, new Date(started + 1500));
      await consumer.settle(first!, delay);
      assert.equal((await store.get('alice', sent.id))?.status, 'throttled');
      await bus.publish([sent], { notBefore: new Date(started + 1500), release: 'throttle:1' }); // a retried publication of the round
      const [again] = await receiveAll(consumer, 1, 10_000);
      assert.ok(Date.now() - started >= 1400, `redelivered after ${Date.now() - started} ms`);
      assert.deepEqual([again?.messageId, again?.deliveryCount, again?.body], [deliveryKey('alice', sent.id, 'throttle:1'), 1, sent]);
      await consumer.settle(again!, completeOutcome(sent));
      assert.deepEqual(await settleAll(consumer, 1500), [], 'one message for the round, not two');
    }));

    it('poison: dead-lettered with its reason and description', withQueue(async ({ queueName, bus, consumer }) => {
      const sent = event();
      await bus.publish([sent]);
      const [delivery] = await receiveAll(consumer, 1);
      await consumer.settle(delivery!, { kind: 'poison', reason: 'invalid_event', description: 'bad specversion' });
      const letters = await peekDeadLetters(target.client, queueName);
      assert.deepEqual(letters.map((l) => [l.messageId, l.reason, l.description, l.deliveryCount]), [[deliveryKey('alice', sent.id), 'invalid_event', 'bad specversion', 1]]);
      assert.deepEqual(letters[0]?.body, sent);
      assert.equal(await consumer.depth(), 0);
    }));

    it('lock expiry: an unsettled delivery comes back, counted; settling the stale one is a conflict', withQueue(async ({ bus, consumer }) => {
      await bus.publish([event()]);
      const [first] = await receiveAll(consumer, 1);
      assert.equal(first?.deliveryCount, 1);
      await sleep(target.lockMs + 200);
      const [second] = await receiveAll(consumer, 1, target.lockMs + 5000);
      assert.equal(second?.deliveryCount, 2);
      await assert.rejects(consumer.settle(first, { kind: 'skip', reason: 'late' }), (error) => isKernelError(error, 'conflict'));
      await consumer.settle(second, { kind: 'skip', reason: 'test' });
    }));

    it('release gives the message back at once, uncounted; abandon with a delay counts it', withQueue(async ({ bus, consumer }) => {
      await bus.publish([event()]);
      const [first] = await receiveAll(consumer, 1);
      await consumer.release(first!);
      const [again] = await receiveAll(consumer, 1);
      assert.equal(again?.deliveryCount, 1);
      await consumer.abandon(again, 800);
      assert.deepEqual(await consumer.receive(1), [], 'not before the delay');
      const [later] = await receiveAll(consumer, 1, 10_000);
      assert.equal(later?.deliveryCount, 2);
      await consumer.settle(later, { kind: 'skip', reason: 'test' });
    }));

    it('a message abandoned max-delivery-count times is dead-lettered by the queue', withQueue(async ({ queueName, bus, consumer }) => {
      const sent = event();
      await bus.publish([sent]);
      for (let i = 1; i <= target.maxDeliveryCount; i += 1) {
        const [delivery] = await receiveAll(consumer, 1);
        assert.equal(delivery?.deliveryCount, i);
        await consumer.abandon(delivery, 0);
      }
      assert.deepEqual(await consumer.receive(1), []);
      const [letter] = await peekDeadLetters(target.client, queueName);
      assert.deepEqual([letter?.messageId, letter?.reason], [deliveryKey('alice', sent.id), 'max_delivery_count_exceeded']);
    }));

    it('depth counts ready, locked and scheduled messages', withQueue(async ({ bus, consumer }) => {
      await bus.publish([event(), event()]);
      await bus.publish([event()], { notBefore: new Date(Date.now() + 2000) });
      const [locked] = await receiveAll(consumer, 1);
      assert.equal(await consumer.depth(), 3);
      // Leave the queue empty: a live queue is shared by the tests that follow.
      await consumer.settle(locked!, { kind: 'skip', reason: 'test' });
      assert.equal((await settleAll(consumer, 10_000, 2)).length, 2);
    }));
  });
}
