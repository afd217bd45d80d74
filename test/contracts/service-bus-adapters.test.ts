/**
 * The bus contract against the Service Bus adapters, through the real @azure/service-bus SDK and
 * the in-process AMQP broker (test/helpers/amqp-broker). Each test gets a fresh queue; records
 * and audit entries go to the in-memory store, as the consumer only needs the EventStore port.
 *
 * The contract drives time with a TestClock. A real namespace cannot read that clock, so here the
 * broker is handed the test's clock (setClock): scheduled delivery and lock expiry then follow it
 * exactly. What this cannot prove about real Service Bus timing (lock durations are at least
 * 5 s there, schedules fire within about a second) is covered with real delays by
 * test/azure/service-bus-adapters.test.ts and, against a namespace, test/azure/live-service-bus.test.ts.
 */
import { afterAll, beforeAll } from 'vitest';
import { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusEventBus } from '../../src/adapters/azure/service-bus-bus.js';
import { ServiceBusQueueConsumer } from '../../src/adapters/azure/service-bus-consumer.js';
import { peekDeadLetters } from '../../src/adapters/azure/service-bus-dead-letters.js';
import { MemoryAuditLog, MemoryEventStore } from '../../src/adapters/memory/index.js';
import { startAmqpBroker, type AmqpBroker } from '../helpers/amqp-broker/index.js';
import { combineQueue } from '../helpers/amqp-broker/harness.js';
import { eventQueueContract } from './event-queue-contract.js';

let broker: AmqpBroker;
let client: ServiceBusClient;
let queues = 0;

beforeAll(async () => {
  broker = await startAmqpBroker({ duplicateDetection: true });
  client = new ServiceBusClient(broker.connectionString);
});
afterAll(async () => {
  await client.close();
  await broker.close();
});

eventQueueContract('service bus (AMQP test broker)', ({ clock, lockMs, maxDeliveryCount }) => {
  queues += 1;
  const queueName = `contract-${queues}`;
  broker.configureQueue(queueName, { lockDurationMs: lockMs, maxDeliveryCount });
  broker.setClock(() => clock.now().getTime());
  const store = new MemoryEventStore();
  const audit = new MemoryAuditLog();
  const bus = new ServiceBusEventBus(client, queueName);
  const consumer = new ServiceBusQueueConsumer(client, queueName, { targets: { bus, store, audit }, clock, receiveWaitMs: 100 });
  return {
    clock,
    queue: combineQueue(bus, consumer),
    store,
    audit,
    deadLetters: async () => (await peekDeadLetters(client, queueName)).reverse(),
    close: async () => {
      await Promise.all([bus.close(), consumer.close()]);
    },
  };
});
