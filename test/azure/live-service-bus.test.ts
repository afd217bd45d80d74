/**
 * The Service Bus suite against a real namespace (or Microsoft's emulator), when
 * SERVICEBUS_CONNECTION and SERVICEBUS_QUEUE are set; skipped otherwise, with the reason.
 *
 * SERVICEBUS_CONNECTION is a connection string, or a namespace host name
 * (`<name>.servicebus.windows.net`) to sign in with DefaultAzureCredential (needs the
 * Azure Service Bus Data Owner role, or Data Sender + Data Receiver). The queue must have
 * duplicate detection on; it is emptied before each test. Its lock duration and max delivery
 * count are read from SERVICEBUS_LOCK_MS and SERVICEBUS_MAX_DELIVERY_COUNT (defaults: 60000, 10,
 * the Service Bus defaults). Expect a few minutes: the lock-expiry test waits a lock duration.
 *
 * The generic bus contract (test/contracts/event-queue-contract.ts) is not run here: it needs a
 * fresh queue per test (its event ids repeat) and a clock it controls, neither of which a
 * namespace offers; it runs against the test broker in test/contracts/service-bus-adapters.test.ts.
 */
import { afterAll, describe } from 'vitest';
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import { serviceBusContract } from './service-bus-contract.js';

const connection = process.env.SERVICEBUS_CONNECTION;
const queueName = process.env.SERVICEBUS_QUEUE ?? '';
const skipReason = 'SERVICEBUS_CONNECTION and SERVICEBUS_QUEUE are not set: no Service Bus namespace to test against';

// Every test is registered either way, so a run without a namespace reports each one as skipped
// (with the reason in the suite's name) instead of counting none. The client is made on first use.
describe.skipIf(!connection || !queueName)(connection && queueName ? 'live Service Bus' : `live Service Bus (skipped: ${skipReason})`, () => {
  let client: ServiceBusClient | undefined;
  const connect = (): ServiceBusClient =>
    (client ??= connection!.includes('Endpoint=')
      ? new ServiceBusClient(connection!)
      : new ServiceBusClient(connection!, new DefaultAzureCredential()));
  afterAll(() => client?.close());

  serviceBusContract(`namespace queue ${queueName}`, {
    get client() {
      return connect();
    },
    queue: async () => {
      await empty(connect(), queueName);
      return queueName;
    },
    lockMs: Number(process.env.SERVICEBUS_LOCK_MS ?? 60_000),
    maxDeliveryCount: Number(process.env.SERVICEBUS_MAX_DELIVERY_COUNT ?? 10),
  });
});

/** Delete whatever earlier runs left in the queue and its dead-letter queue. */
async function empty(client: ServiceBusClient, queue: string): Promise<void> {
  for (const subQueueType of [undefined, 'deadLetter'] as const) {
    const receiver = client.createReceiver(queue, subQueueType ? { receiveMode: 'receiveAndDelete', subQueueType } : { receiveMode: 'receiveAndDelete' });
    while ((await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 })).length > 0);
    await receiver.close();
  }
}
