/**
 * The Service Bus adapters against the in-process AMQP broker, in real time: the shared
 * Service Bus suite (also run live), and one end-to-end run of the worker and processor.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusEventBus } from '../../src/adapters/azure/service-bus-bus.js';
import { ServiceBusQueueConsumer } from '../../src/adapters/azure/service-bus-consumer.js';
import { MemoryAuditLog, MemoryEventStore } from '../../src/adapters/memory/index.js';
import { defineDriver, createDriverRegistry } from '../../src/drivers/index.js';
import { EventProcessor, KernelError, QueueWorker, systemClock } from '../../src/kernel/index.js';
import { allowAllAuthorizer } from '../../src/security/index.js';
import { startAmqpBroker } from '../helpers/amqp-broker/index.js';
import { makeEvent, silentLogger } from '../helpers/kernel-fixture.js';
import { serviceBusContract, sleep } from './service-bus-contract.js';

const broker = await startAmqpBroker({ lockDurationMs: 1000, maxDeliveryCount: 3, duplicateDetection: true });
const client = new ServiceBusClient(broker.connectionString);
let queues = 0;
afterAll(async () => {
  await client.close();
  await broker.close();
});

serviceBusContract('AMQP test broker', {
  client,
  queue: async () => `sb-${++queues}`,
  lockMs: 1000,
  maxDeliveryCount: 3,
  transfers: (name) => broker.transfers(name),
});

describe('Service Bus adapters: worker end to end (AMQP test broker)', () => {
  it('processes an event whose driver fails once: real backoff, attempt 2, one child', async () => {
    const queueName = `sb-worker-${++queues}`;
    let runs = 0;
    const flaky = defineDriver({
      manifest: { id: 'flaky', name: 'Flaky', version: '1.0.0', type: 'tool', capabilities: ['demo.ping'] },
      async handle(event) {
        runs += 1;
        if (runs === 1) throw new KernelError('unavailable', 'upstream down');
        return [{ type: 'demo.done', data: { from: event.id } }];
      },
    });
    const store = new MemoryEventStore();
    const audit = new MemoryAuditLog();
    const bus = new ServiceBusEventBus(client, queueName);
    const consumer = new ServiceBusQueueConsumer(client, queueName, { targets: { bus, store, audit }, receiveWaitMs: 100 });
    const processor = new EventProcessor({
      store, drivers: createDriverRegistry([flaky]), authorizer: allowAllAuthorizer, clock: systemClock, logger: silentLogger,
      options: { retryBaseMs: 700, retryMaxMs: 700 },
    });
    const worker = new QueueWorker(consumer, processor, silentLogger, { concurrency: 4, idleWaitMs: 100, errorDelayMs: 100 });
    const started = Date.now();
    await bus.publish([makeEvent({ id: 'w1' })]);
    worker.start();
    try {
      for (let i = 0; i < 100 && (await store.get('alice', 'w1'))?.status !== 'processed'; i += 1) await sleep(100);
      const record = await store.get('alice', 'w1');
      assert.equal(record?.status, 'processed');
      assert.equal(record?.attempts, 2);
      assert.ok(Date.now() - started >= 700, 'the retry waited for its backoff');
      const child = record?.children[0];
      for (let i = 0; i < 50 && (await store.get('alice', child!))?.status !== 'processed'; i += 1) await sleep(100);
      assert.equal((await store.get('alice', child!))?.status, 'processed');
      // The record is written before the message is settled: wait for the settlement too.
      for (let i = 0; i < 50 && broker.queueDepth(queueName) !== 0; i += 1) await sleep(100);
      assert.equal(broker.queueDepth(queueName), 0);
      assert.equal(runs, 2);
    } finally {
      await worker.stop(1000);
      await Promise.all([bus.close(), consumer.close()]);
    }
  });
});
