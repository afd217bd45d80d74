/**
 * ServiceBusDeadLetterQueue against the in-process AMQP broker, through the real SDK: messages
 * dead-lettered by the consumer are listed, replayed onto the main queue as fresh copies (and
 * delivered again, attempts counted from 1), and leave the dead-letter queue.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusEventBus } from '../../src/adapters/azure/service-bus-bus.js';
import { ServiceBusQueueConsumer } from '../../src/adapters/azure/service-bus-consumer.js';
import { ServiceBusDeadLetterQueue, replayCopy } from '../../src/adapters/azure/service-bus-dead-letters.js';
import { toServiceBusMessage } from '../../src/adapters/azure/service-bus-message.js';
import { MemoryAuditLog, MemoryEventStore } from '../../src/adapters/memory/index.js';
import { deliveryKey, isKernelError, type Delivery } from '../../src/kernel/index.js';
import { startAmqpBroker } from '../helpers/amqp-broker/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

const broker = await startAmqpBroker({ duplicateDetection: true });
const client = new ServiceBusClient(broker.connectionString);
let queues = 0;
afterAll(async () => {
  await client.close();
  await broker.close();
});

function open() {
  const queueName = `dlq-${++queues}`;
  const store = new MemoryEventStore();
  const audit = new MemoryAuditLog();
  const bus = new ServiceBusEventBus(client, queueName);
  const consumer = new ServiceBusQueueConsumer(client, queueName, { targets: { bus, store, audit }, receiveWaitMs: 300 });
  const deadLetters = new ServiceBusDeadLetterQueue(client, queueName, { receiveWaitMs: 2000 });
  return { queueName, bus, consumer, deadLetters, close: () => Promise.all([bus.close(), consumer.close()]) };
}

async function receiveAll(consumer: ServiceBusQueueConsumer, count: number, withinMs = 5000): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const deadline = Date.now() + withinMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await consumer.receive(count - out.length)));
  return out;
}

async function poisonAll(consumer: ServiceBusQueueConsumer, count: number): Promise<void> {
  for (const delivery of await receiveAll(consumer, count)) {
    await consumer.settle(delivery, { kind: 'poison', reason: 'invalid_event', description: `bad ${(delivery.body as { id: string }).id}` });
  }
}

describe('ServiceBusDeadLetterQueue (AMQP test broker)', () => {
  it('lists dead letters, replays one from the middle onto the main queue, and empties the dead-letter queue', async () => {
    const { queueName, bus, consumer, deadLetters, close } = open();
    try {
      await bus.publish(['d1', 'd2', 'd3'].map((id) => makeEvent({ id })));
      await poisonAll(consumer, 3);
      const keys = ['d1', 'd2', 'd3'].map((id) => deliveryKey('alice', id));
      const listed = await deadLetters.list(10);
      assert.deepEqual(listed.map((l) => [l.messageId, l.reason, l.description, l.deliveryCount]), keys.map((key, i) => [key, 'invalid_event', `bad d${i + 1}`, 1]));
      assert.deepEqual((await deadLetters.list(1)).map((l) => l.messageId), [keys[0]]);

      await deadLetters.replay(keys[1]!);
      const [again] = await receiveAll(consumer, 1);
      assert.deepEqual(again?.body, makeEvent({ id: 'd2' }));
      assert.equal(again?.deliveryCount, 1);
      assert.match(again?.messageId ?? '', new RegExp(`^${keys[1]}\\.replay-\\d+$`));
      await consumer.settle(again, { kind: 'skip', reason: 'test' });
      assert.deepEqual((await deadLetters.list(10)).map((l) => l.messageId), [keys[0], keys[2]], 'the others were given back');

      await assert.rejects(deadLetters.replay('no-such-message'), (error) => isKernelError(error, 'not_found'));
      const shortSighted = new ServiceBusDeadLetterQueue(client, queueName, { scanLimit: 1 });
      await assert.rejects(shortSighted.replay(keys[2]!), (error) => isKernelError(error, 'not_found'), 'beyond the scan limit');
      await deadLetters.replay(keys[0]!);
      await deadLetters.replay(keys[2]!);
      assert.deepEqual(await deadLetters.list(10), []);
      assert.equal(broker.deadLetters(queueName).length, 0);
      const redelivered = await receiveAll(consumer, 2);
      assert.deepEqual(redelivered.map((d) => (d.body as { id: string }).id).sort(), ['d1', 'd3']);
      for (const delivery of redelivered) await consumer.settle(delivery, { kind: 'skip', reason: 'test' });
      assert.equal(broker.queueDepth(queueName), 0);
    } finally {
      await close();
    }
  });

  it('a fresh round: attempt bookkeeping and dead-letter annotations are dropped, the rest of the message is kept', async () => {
    const { queueName, consumer, deadLetters, close } = open();
    const sender = client.createSender(queueName);
    try {
      const event = makeEvent({ id: 'tired' });
      const message = toServiceBusMessage(event);
      // As a retry copy looks after four attempts, with one release counted.
      message.applicationProperties = { ...message.applicationProperties, vextirAttempt: 4, vextirReleases: 1, custom: 'kept' };
      await sender.sendMessages(message);
      const [delivery] = await receiveAll(consumer, 1);
      assert.equal(delivery?.deliveryCount, 3);
      await consumer.settle(delivery, { kind: 'poison', reason: 'invalid_event', description: 'test' });

      await deadLetters.replay(message.messageId as string);
      const peeker = client.createReceiver(queueName);
      const [copy] = await peeker.peekMessages(1);
      await peeker.close();
      assert.deepEqual(copy?.body, event);
      assert.deepEqual([copy?.contentType, copy?.subject, copy?.correlationId], [message.contentType, message.subject, message.correlationId]);
      assert.deepEqual(copy?.applicationProperties, { userid: 'alice', eventId: 'tired', custom: 'kept' });
      const [again] = await receiveAll(consumer, 1);
      assert.equal(again?.deliveryCount, 1, 'attempts count from 1 again');
      await consumer.settle(again, { kind: 'skip', reason: 'test' });
    } finally {
      await sender.close();
      await close();
    }
  });

  it('replaying a dead letter whose copy was already sent (a crash before complete) leaves one copy', async () => {
    const { queueName, bus, consumer, deadLetters, close } = open();
    const sender = client.createSender(queueName);
    try {
      await bus.publish([makeEvent({ id: 'twice' })]);
      await poisonAll(consumer, 1);
      const peeker = client.createReceiver(queueName, { subQueueType: 'deadLetter' });
      const [letter] = await peeker.peekMessages(1);
      await peeker.close();
      await sender.sendMessages(replayCopy(letter!)); // the first replay got this far
      await deadLetters.replay(deliveryKey('alice', 'twice'));
      assert.equal(broker.queueDepth(queueName), 1, 'duplicate detection dropped the second copy');
      assert.deepEqual(await deadLetters.list(10), []);
      const [again] = await receiveAll(consumer, 1);
      await consumer.settle(again!, { kind: 'skip', reason: 'test' });
    } finally {
      await sender.close();
      await close();
    }
  });
});
