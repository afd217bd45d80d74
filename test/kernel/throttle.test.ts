/**
 * A throttle verdict in the processor, over the in-memory ports with a fake clock: the event is
 * delayed (not denied), published again for the next window under `throttle:<n>`, recorded
 * `throttled`, counted in usage only when admitted, and run once. Then the redeliveries a crash
 * leaves where bus and store are not one transaction (Azure's send -> record -> settle), each of
 * which must converge: nothing lost, nothing run twice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import { applyOutcome, deliveryKey, KernelError, throttleRunAt, type Authorizer, type Delivery, type Envelope, type Outcome, type ThrottleWindow, type UsageDelta } from '../../src/kernel/index.js';
import { DelayedEvents } from '../../src/security/index.js';
import { kernelFixture, makeEvent, TestClock } from '../helpers/kernel-fixture.js';

const START = new Date('2026-01-01T00:00:10.000Z');
const NEXT_MINUTE = new Date('2026-01-01T00:01:00.000Z').getTime();

/** Throttles every event to the next window while `closed`; allows them otherwise. */
function gate(clock: TestClock, window: ThrottleWindow = 'minute') {
  const state = { closed: true };
  const authorizer: Authorizer = {
    name: 'gate',
    async authorize(event) {
      if (!state.closed) return { decision: { allowed: true, authorizer: 'gate', reason: 'under the limit', policies: ['limit'], verdict: 'allow' } };
      const throttle = { policy: 'limit', window, runAt: throttleRunAt(window, clock.now(), event.id).toISOString() };
      return { decision: { allowed: false, authorizer: 'gate', reason: 'over the limit', policies: ['limit'], verdict: 'throttle', decidedBy: 'limit', throttle } };
    },
  };
  return { state, authorizer };
}

function setup(options: { failFirst?: boolean; maxDeliveryCount?: number } = {}) {
  const clock = new TestClock(START);
  const { state, authorizer } = gate(clock);
  const runs: number[] = [];
  const driver = defineDriver({
    manifest: { id: 'work', name: 'Work', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
    async handle(_event, context) {
      runs.push(context.attempt);
      if (options.failFirst && runs.length === 1) throw new KernelError('unavailable', 'briefly down');
      return [];
    },
  });
  const counted: UsageDelta[] = [];
  const delayedState = new MemoryStateStore({ clock });
  const delayed = new DelayedEvents(delayedState);
  const fixture = kernelFixture([driver], {
    authorizer,
    clock,
    usage: { add: async (_user, _at, delta) => void counted.push(delta) },
    delayed,
    ...(options.maxDeliveryCount !== undefined && { processor: { maxDeliveryCount: options.maxDeliveryCount } }),
  });
  const outcomes: Outcome[] = [];
  /** Delivers every visible message, as the worker would, until none is left. */
  const drain = async (): Promise<void> => {
    for (let deliveries = await fixture.queue.receive(10); deliveries.length > 0; deliveries = await fixture.queue.receive(10)) {
      for (const delivery of deliveries) {
        const outcome = await fixture.processor.process(delivery.body, { deliveryCount: delivery.deliveryCount, messageId: delivery.messageId });
        outcomes.push(outcome);
        await fixture.queue.settle(delivery, outcome);
      }
    }
  };
  const at = (ms: number) => clock.advance(ms - clock.now().getTime());
  const targets = { bus: fixture.queue, store: fixture.store, audit: fixture.audit };
  return { ...fixture, gate: state, runs, counted, delayed, outcomes, drain, at, targets };
}

function delayOf(outcome: Outcome | undefined) {
  assert.equal(outcome?.kind, 'delay', JSON.stringify(outcome));
  if (outcome?.kind !== 'delay') throw new Error('unreachable');
  return outcome;
}

describe('throttle in the processor', () => {
  it('delays the event instead of denying it: recorded throttled, on the bus again for the next window, and run then, once', async () => {
    const t = setup();
    await t.queue.publish([makeEvent()]);
    await t.drain();
    const delay = delayOf(t.outcomes[0]);
    const runAt = throttleRunAt('minute', START, 'e1');
    assert.ok(runAt.getTime() >= NEXT_MINUTE && runAt.getTime() < NEXT_MINUTE + 3000, 'the next minute, plus a small spread');
    assert.deepEqual(delay.republish, { event: makeEvent(), notBefore: runAt, release: 'throttle:1' });
    const waiting = await t.store.get('alice', 'e1');
    assert.equal(waiting?.status, 'throttled');
    assert.deepEqual(waiting?.throttle, { policy: 'limit', window: 'minute', runAt: runAt.toISOString(), count: 1 });
    assert.equal(waiting?.decision?.verdict, 'throttle');
    assert.deepEqual([t.runs, t.counted], [[], []], 'no driver ran, nothing was counted');

    t.gate.closed = false;
    t.at(runAt.getTime() - 1);
    assert.deepEqual(await t.queue.receive(10), [], 'not delivered before its time');
    t.at(runAt.getTime());
    await t.drain();
    const done = await t.store.get('alice', 'e1');
    assert.equal(done?.status, 'processed');
    assert.deepEqual(t.runs, [1], 'run once, as its first attempt');
    assert.deepEqual(t.counted.map((delta) => delta.events), [1], 'counted once, when admitted');
    assert.equal(done?.throttle?.count, 1, 'the record keeps how often it waited');
    const audit = await t.audit.list('alice', { eventId: 'e1', limit: 10 });
    assert.deepEqual(audit.sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0)).map((entry) => entry.kind === 'event' && entry.status), ['throttled', 'processed']);
    assert.equal(await t.queue.depth(), 0, 'nothing is left on the bus');
  });

  it('throttles it again while still over: the next round is throttle:2, and the delayed count follows it', async () => {
    const t = setup();
    await t.queue.publish([makeEvent()]);
    await t.drain();
    const first = delayOf(t.outcomes[0]);
    assert.deepEqual((await t.delayed.count('alice', t.clock.now())), { events: 1, nextSlot: new Date(NEXT_MINUTE) });

    t.at(first.republish.notBefore.getTime());
    await t.drain();
    const second = delayOf(t.outcomes[1]);
    assert.equal(second.republish.release, 'throttle:2');
    assert.ok(second.republish.notBefore.getTime() >= NEXT_MINUTE + 60_000, 'the minute after');
    assert.equal((await t.store.get('alice', 'e1'))?.throttle?.count, 2);
    assert.deepEqual(await t.delayed.count('alice', t.clock.now()), { events: 1, nextSlot: new Date(NEXT_MINUTE + 60_000) }, 'moved, not added');

    t.gate.closed = false;
    t.at(second.republish.notBefore.getTime());
    await t.drain();
    assert.equal((await t.store.get('alice', 'e1'))?.status, 'processed');
    assert.deepEqual(t.runs, [1]);
    assert.deepEqual(await t.delayed.count('alice', t.clock.now()), { events: 0 }, 'admitted: no longer delayed');
  });

  it('a throttled round is no failed attempt: the event keeps its whole retry budget', async () => {
    const t = setup({ failFirst: true, maxDeliveryCount: 2 });
    await t.queue.publish([makeEvent()]);
    await t.drain();
    for (let round = 1; round <= 3; round += 1) {
      t.at(delayOf(t.outcomes.at(-1)).republish.notBefore.getTime());
      await t.drain();
    }
    t.gate.closed = false;
    t.at(delayOf(t.outcomes.at(-1)).republish.notBefore.getTime());
    await t.drain();
    t.at(t.clock.now().getTime() + 10_000); // the retry's backoff
    await t.drain();
    assert.equal((await t.store.get('alice', 'e1'))?.status, 'processed', 'retried, not dead-lettered');
    assert.deepEqual(t.runs, [1, 2]);
  });
});

describe('throttle across redeliveries (send -> record -> settle)', () => {
  async function firstDelivery(t: ReturnType<typeof setup>): Promise<{ delivery: Delivery; delay: Outcome & { kind: 'delay' } }> {
    await t.queue.publish([makeEvent()]);
    const [delivery] = await t.queue.receive(1);
    assert.equal(delivery?.messageId, deliveryKey('alice', 'e1'));
    const delay = delayOf(await t.processor.process(delivery.body, { deliveryCount: 1, messageId: delivery.messageId }));
    return { delivery, delay };
  }
  const republished = (delay: Outcome & { kind: 'delay' }): [Envelope[], { notBefore: Date; release: string }] => [[delay.republish.event], { notBefore: delay.republish.notBefore, release: delay.republish.release }];

  it('a crash after the record: the redelivered message is superseded, runs nothing, and the event runs once at its time', async () => {
    const t = setup();
    const { delivery, delay } = await firstDelivery(t);
    await applyOutcome(delay, t.targets); // sent and recorded; the crash comes before the settle
    const again = await t.processor.process(delivery.body, { deliveryCount: 2, messageId: delivery.messageId });
    assert.deepEqual(again, { kind: 'skip', reason: 'superseded by its re-publication throttle:1' });
    await t.queue.settle(delivery, again);

    t.gate.closed = false;
    t.at(delay.republish.notBefore.getTime());
    await t.drain();
    assert.equal((await t.store.get('alice', 'e1'))?.status, 'processed');
    assert.deepEqual(t.runs, [1]);
  });

  it('a crash between the send and the record: the redelivery re-publishes under the same name, which is dropped', async () => {
    const t = setup();
    const { delivery, delay } = await firstDelivery(t);
    await t.queue.publish(...republished(delay)); // sent; the crash comes before the record
    const again = delayOf(await t.processor.process(delivery.body, { deliveryCount: 2, messageId: delivery.messageId }));
    assert.equal(again.republish.release, 'throttle:1');
    await t.queue.settle(delivery, again);
    assert.equal(await t.queue.depth(), 1, 'one message for the next round, not two');

    t.gate.closed = false;
    t.at(again.republish.notBefore.getTime());
    await t.drain();
    assert.deepEqual([(await t.store.get('alice', 'e1'))?.status, t.runs], ['processed', [1]]);
  });

  it('the re-publication delivered before its record: throttled again under the next name, never its own', async () => {
    const t = setup();
    const { delivery: original, delay } = await firstDelivery(t);
    await t.queue.publish(...republished(delay)); // sent; the crash comes before the record
    t.at(delay.republish.notBefore.getTime()); // the original's lease has not expired yet
    const [round1] = await t.queue.receive(10);
    assert.equal(round1?.messageId, deliveryKey('alice', 'e1', 'throttle:1'));
    const second = delayOf(await t.processor.process(round1.body, { deliveryCount: 1, messageId: round1.messageId }));
    assert.equal(second.republish.release, 'throttle:2', 'throttle:1 would be dropped as a duplicate of itself, and the event lost');
    await t.queue.settle(round1, second);

    // The original comes back after its lease: superseded by the newer rounds.
    const superseded = await t.processor.process(original.body, { deliveryCount: 2, messageId: original.messageId });
    assert.equal(superseded.kind, 'skip');
    await t.queue.settle(original, superseded);

    t.gate.closed = false;
    t.at(second.republish.notBefore.getTime());
    await t.drain();
    assert.deepEqual([(await t.store.get('alice', 'e1'))?.status, t.runs, await t.queue.depth()], ['processed', [1], 0]);
  });
});
