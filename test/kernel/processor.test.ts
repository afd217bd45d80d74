import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defineDriver } from '../../src/drivers/index.js';
import { KernelError, type Authorizer, type Outcome } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';

function complete(outcome: Outcome) {
  assert.equal(outcome.kind, 'complete', JSON.stringify(outcome));
  if (outcome.kind !== 'complete') throw new Error('unreachable');
  return outcome;
}

const echo = defineDriver({
  manifest: { id: 'echo', name: 'Echo', version: '1.0.0', type: 'tool', capabilities: ['demo.*'] },
  async handle(event) {
    return [{ type: 'demo.echoed', data: event.data }, { type: 'demo.side' }];
  },
});

describe('EventProcessor', () => {
  it('routes by prefix capability and emits children with deterministic ids and inherited attributes', async () => {
    const { processor } = kernelFixture([echo]);
    const first = complete(await processor.process(makeEvent({ data: { n: 1 } }), { deliveryCount: 1 }));
    const again = complete(await processor.process(makeEvent({ data: { n: 1 } }), { deliveryCount: 2 }));
    assert.equal(first.record.status, 'processed');
    assert.deepEqual(first.record.drivers.map((run) => run.driver), ['echo']);
    assert.equal(first.emissions.length, 2);
    const child = first.emissions[0]!.event;
    assert.equal(child.userid, 'alice');
    assert.equal(child.causationid, 'e1');
    assert.equal(child.correlationid, 'e1');
    assert.equal(child.depth, 1);
    assert.equal(child.source, '/drivers/echo');
    assert.equal(child.producer, 'echo', 'the kernel names the driver that produced it');
    assert.deepEqual(child.data, { n: 1 });
    assert.deepEqual(first.record.children, first.emissions.map((e) => e.event.id));
    assert.deepEqual(again.emissions.map((e) => e.event.id), first.emissions.map((e) => e.event.id));
  });

  it('names the producing driver on its events whatever source the driver claims', async () => {
    const claimer = defineDriver({
      manifest: { id: 'claimer', name: 'Claimer', version: '1.0.0', type: 'tool', capabilities: ['demo.*'] },
      async handle() {
        return [{ type: 'demo.out', source: '/drivers/echo' }];
      },
    });
    const { processor } = kernelFixture([claimer]);
    const [emission] = complete(await processor.process(makeEvent(), { deliveryCount: 1 })).emissions;
    assert.deepEqual({ source: emission?.event.source, producer: emission?.event.producer }, { source: '/drivers/echo', producer: 'claimer' });
  });

  it('does not route a type no capability matches', async () => {
    const { processor } = kernelFixture([echo]);
    const outcome = complete(await processor.process(makeEvent({ type: 'demo' }), { deliveryCount: 1 }));
    assert.equal(outcome.record.status, 'processed');
    assert.deepEqual(outcome.record.drivers, []);
  });

  it('skips a delivery whose record is already final', async () => {
    const { processor, queue } = kernelFixture([echo]);
    const outcome = await processor.process(makeEvent(), { deliveryCount: 1 });
    await queue.settle({ messageId: 'm', body: {}, deliveryCount: 1, enqueuedAt: new Date() }, outcome);
    const second = await processor.process(makeEvent(), { deliveryCount: 2 });
    assert.deepEqual(second, { kind: 'skip', reason: 'already processed' });
  });

  it('turns an invalid body into a poison outcome naming the field', async () => {
    const { processor } = kernelFixture([echo]);
    const outcome = await processor.process({ ...makeEvent(), specversion: '0.3' }, { deliveryCount: 1 });
    assert.equal(outcome.kind, 'poison');
    assert.match(outcome.kind === 'poison' ? outcome.description : '', /specversion/);
  });

  it('denies events deeper than the loop guard allows', async () => {
    const { processor } = kernelFixture([echo], { processor: { maxDepth: 3 } });
    const outcome = complete(await processor.process(makeEvent({ depth: 4 }), { deliveryCount: 1 }));
    assert.equal(outcome.record.status, 'denied');
    assert.equal(outcome.record.decision?.authorizer, 'loop-guard');
    assert.equal(outcome.record.error?.code, 'depth_exceeded');
    assert.deepEqual(outcome.emissions, []);
  });

  it('fails closed when the authorizer throws', async () => {
    const broken: Authorizer = { name: 'broken', authorize: async () => { throw new Error('policy store exploded'); } };
    const { processor } = kernelFixture([echo], { authorizer: broken });
    const outcome = complete(await processor.process(makeEvent(), { deliveryCount: 1 }));
    assert.equal(outcome.record.status, 'denied');
    assert.match(outcome.record.decision?.reason ?? '', /policy store exploded/);
    assert.deepEqual(outcome.record.drivers, []);
  });

  it('turns a non-retryable driver error into status failed and an error event', async () => {
    const bad = defineDriver({
      manifest: { id: 'bad', name: 'Bad', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
      async handle() { throw new Error('boom'); },
    });
    const { processor } = kernelFixture([echo, bad]);
    const outcome = complete(await processor.process(makeEvent(), { deliveryCount: 1 }));
    assert.equal(outcome.record.status, 'failed');
    const error = outcome.emissions.find((e) => e.event.type === 'error');
    assert.ok(error, 'an error event is emitted');
    assert.deepEqual(error.event.data, { eventId: 'e1', eventType: 'demo.ping', driver: 'bad', code: 'driver_failed', message: 'boom', retryable: false });
    assert.equal(outcome.emissions.filter((e) => e.event.type.startsWith('demo.')).length, 2, 'the healthy driver still emits');
  });

  it('retries a retryable failure without re-running drivers that succeeded, then dead-letters at the limit', async () => {
    let echoRuns = 0;
    let flakyRuns = 0;
    const counted = defineDriver({
      manifest: { id: 'counted', name: 'Counted', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
      async handle() { echoRuns += 1; return [{ type: 'demo.ok' }]; },
    });
    const flaky = defineDriver({
      manifest: { id: 'flaky', name: 'Flaky', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
      async handle() { flakyRuns += 1; throw new KernelError('unavailable', 'upstream down'); },
    });
    const { processor, queue, store } = kernelFixture([counted, flaky], { processor: { maxDeliveryCount: 3 } });
    const delivery = { messageId: 'm', body: makeEvent(), enqueuedAt: new Date() };
    const first = await processor.process(delivery.body, { deliveryCount: 1 });
    assert.equal(first.kind, 'retry');
    await queue.settle({ ...delivery, deliveryCount: 1 }, first);
    assert.equal((await store.get('alice', 'e1'))?.status, 'accepted');
    const second = await processor.process(delivery.body, { deliveryCount: 2 });
    assert.equal(second.kind, 'retry');
    await queue.settle({ ...delivery, deliveryCount: 2 }, second);
    const third = complete(await processor.process(delivery.body, { deliveryCount: 3 }));
    assert.equal(third.record.status, 'dead_lettered');
    assert.equal(echoRuns, 1, 'the succeeded driver ran once across redeliveries');
    assert.equal(flakyRuns, 3);
    assert.ok(third.emissions.some((e) => e.event.type === 'error'));
    assert.match(third.record.error?.message ?? '', /gave up after 3 deliveries/);
  });

  it('times a driver out at its manifest timeout even if it ignores the abort signal', async () => {
    const slow = defineDriver({
      manifest: { id: 'slow', name: 'Slow', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'], resources: { timeout: '50ms' } },
      handle: () => new Promise(() => undefined),
    });
    const { processor } = kernelFixture([slow], { processor: { maxDeliveryCount: 1 } });
    const outcome = complete(await processor.process(makeEvent(), { deliveryCount: 1 }));
    assert.equal(outcome.record.drivers[0]?.status, 'timed_out');
    assert.equal(outcome.record.status, 'dead_lettered');
  });

  it('bounds concurrent runs of one driver by maxConcurrency', async () => {
    let running = 0;
    let peak = 0;
    const narrow = defineDriver({
      manifest: { id: 'narrow', name: 'Narrow', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'], resources: { maxConcurrency: 2 } },
      async handle() {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      },
    });
    const { processor } = kernelFixture([narrow]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => processor.process(makeEvent({ id: `e${i}` }), { deliveryCount: 1 })));
    assert.equal(peak, 2);
  });

  it('rejects invalid driver output without crashing', async () => {
    const liar = defineDriver({
      manifest: { id: 'liar', name: 'Liar', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
      // A driver may not set the user: the extra attribute makes the output invalid.
      async handle() { return [{ type: 'demo.x', userid: 'mallory' }] as never; },
    });
    const { processor } = kernelFixture([liar]);
    const outcome = complete(await processor.process(makeEvent(), { deliveryCount: 1 }));
    assert.equal(outcome.record.status, 'failed');
    assert.match(outcome.record.error?.message ?? '', /invalid events/);
    assert.ok(outcome.emissions.every((e) => e.event.userid === 'alice'));
  });
});
