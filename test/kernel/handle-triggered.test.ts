import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defineDriver } from '../../src/drivers/index.js';
import { KernelError, handleTriggeredMessage, throttleRunAt, type Authorizer, type Envelope, type EventBus, type PublishOptions } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent, silentLogger } from '../helpers/kernel-fixture.js';

class RecordingBus implements EventBus {
  readonly published: Envelope[] = [];
  readonly options: Array<PublishOptions | undefined> = [];
  async publish(events: readonly Envelope[], options?: PublishOptions): Promise<void> {
    this.published.push(...events);
    this.options.push(options);
  }
}

function setup(handle: () => Promise<unknown>, authorizer?: Authorizer) {
  const driver = defineDriver({
    manifest: { id: 'd', name: 'D', version: '1.0.0', type: 'tool', capabilities: ['demo.*'] },
    handle: handle as never,
  });
  const fixture = kernelFixture([driver], authorizer ? { authorizer } : {});
  const bus = new RecordingBus();
  const retries: Array<{ attempt: number; delayMs: number }> = [];
  const deps = {
    processor: fixture.processor,
    targets: { bus, store: fixture.store, audit: fixture.audit },
    retries: { scheduleRetry: async (_body: unknown, attempt: number, delayMs: number) => void retries.push({ attempt, delayMs }) },
    logger: silentLogger,
  };
  return { ...fixture, bus, retries, deps };
}

describe('handleTriggeredMessage (the Service Bus trigger path)', () => {
  it('sends outputs, then writes the record, and returns so the trigger completes the message', async () => {
    const { deps, bus, store } = setup(async () => [{ type: 'demo.out' }]);
    await handleTriggeredMessage(makeEvent(), { deliveryCount: 1 }, deps);
    assert.equal(bus.published.length, 1);
    assert.equal((await store.get('alice', 'e1'))?.status, 'processed');
  });

  it('a redelivered message after completion emits nothing and writes nothing new', async () => {
    const { deps, bus, audit } = setup(async () => [{ type: 'demo.out' }]);
    await handleTriggeredMessage(makeEvent(), { deliveryCount: 1 }, deps);
    await handleTriggeredMessage(makeEvent(), { deliveryCount: 2 }, deps);
    assert.equal(bus.published.length, 1);
    assert.equal((await audit.list('alice', { limit: 10 })).length, 1);
  });

  it('schedules a delayed copy for a retryable failure instead of throwing', async () => {
    const { deps, retries, store } = setup(async () => {
      throw new KernelError('unavailable', 'down');
    });
    await handleTriggeredMessage(makeEvent(), { deliveryCount: 1 }, deps);
    assert.deepEqual(retries, [{ attempt: 2, delayMs: 10 }]);
    assert.equal((await store.get('alice', 'e1'))?.status, 'accepted');
  });

  it('a throttle: sends the event again for its window under throttle:1, then records it, and returns so the trigger completes the message', async () => {
    const throttling: Authorizer = {
      name: 'limit',
      authorize: async (event) => ({
        decision: { allowed: false, authorizer: 'limit', reason: 'over', policies: [], verdict: 'throttle', throttle: { policy: 'limit', window: 'minute', runAt: throttleRunAt('minute', new Date('2026-01-01T00:00:00.000Z'), event.id).toISOString() } },
      }),
    };
    const { deps, bus, store, retries } = setup(async () => [], throttling);
    await handleTriggeredMessage(makeEvent(), { deliveryCount: 1, messageId: 'key-of-e1' }, deps);
    assert.deepEqual(bus.published, [makeEvent()]);
    assert.deepEqual(bus.options, [{ notBefore: throttleRunAt('minute', new Date('2026-01-01T00:00:00.000Z'), 'e1'), release: 'throttle:1' }]);
    assert.equal((await store.get('alice', 'e1'))?.status, 'throttled');
    assert.deepEqual(retries, [], 'no retry copy: the re-publication is the next delivery');
  });

  it('throws for a poison message so the queue dead-letters it', async () => {
    const { deps } = setup(async () => []);
    await assert.rejects(handleTriggeredMessage({ not: 'an event' }, { deliveryCount: 1 }, deps), (error: unknown) => error instanceof KernelError && !error.retryable);
  });
});
