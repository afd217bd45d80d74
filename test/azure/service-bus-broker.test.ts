/**
 * The AMQP test broker itself, through the raw SDK: the Service Bus behaviours the adapter tests
 * rely on, checked where the adapters do not reach (lock renewal, the management fallback for
 * settling, the duplicate-detection window, the size limit, the broker's own bookkeeping).
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { ServiceBusClient } from '@azure/service-bus';
import { toKernelErrorFromServiceBus } from '../../src/adapters/azure/service-bus-errors.js';
import { startAmqpBroker } from '../helpers/amqp-broker/index.js';

let now = Date.parse('2026-01-01T00:00:00Z');
const broker = await startAmqpBroker({ lockDurationMs: 5000, duplicateWindowMs: 60_000, maxMessageSize: 64 * 1024, now: () => now });
const client = new ServiceBusClient(broker.connectionString, { retryOptions: { maxRetries: 0 } });
afterAll(async () => {
  await client.close();
  await broker.close();
});

describe('AMQP test broker', () => {
  it('renews a lock: the message is not redelivered when the old lock would have expired', async () => {
    await client.createSender('renew').sendMessages({ body: 'x', messageId: 'r1' });
    const receiver = client.createReceiver('renew', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    assert.equal(message?.lockedUntilUtc?.getTime(), now + 5000);
    now += 4000;
    assert.equal((await receiver.renewMessageLock(message)).getTime(), now + 5000);
    now += 4000;
    assert.deepEqual(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 }), []);
    now += 2000;
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    assert.equal(again?.deliveryCount, 1, 'the JavaScript SDK counts earlier deliveries');
    await assert.rejects(receiver.completeMessage(message), (error) => toKernelErrorFromServiceBus(error, 'x').code === 'conflict');
    await receiver.completeMessage(again);
    await receiver.close();
  });

  it('settles through $management when the receiving link is gone', async () => {
    await client.createSender('fallback').sendMessages({ body: 'x', messageId: 'f1' });
    const first = client.createReceiver('fallback');
    const [message] = await first.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await first.close();
    const second = client.createReceiver('fallback');
    await second.deadLetterMessage(message!, { deadLetterReason: 'why', deadLetterErrorDescription: 'because' });
    await second.close();
    assert.equal(broker.queueDepth('fallback'), 0);
    assert.deepEqual(broker.deadLetters('fallback').map((l) => [l.messageId, l.reason, l.description, l.deliveryCount, l.body]), [['f1', 'why', 'because', 1, 'x']]);
  });

  it('forgets a message id after the duplicate-detection window', async () => {
    const sender = client.createSender('window');
    await sender.sendMessages([{ body: 1, messageId: 'd1' }, { body: 2, messageId: 'd1' }]);
    now += 59_999;
    await sender.sendMessages({ body: 3, messageId: 'd1' });
    assert.equal(broker.queueDepth('window'), 1);
    now += 1;
    await sender.sendMessages({ body: 4, messageId: 'd1' });
    assert.equal(broker.queueDepth('window'), 2);
    await sender.close();
  });

  it('rejects a transfer over the size limit as Service Bus does (MessageSizeExceeded)', async () => {
    const sender = client.createSender('size');
    const error = await sender.sendMessages({ body: 'x'.repeat(70 * 1024) }).then(() => undefined, (caught: unknown) => caught);
    assert.equal(toKernelErrorFromServiceBus(error, 'x').code, 'payload_too_large');
    assert.equal((await sender.createMessageBatch()).maxSizeInBytes, 64 * 1024, 'the limit is advertised on the link');
    assert.equal(broker.queueDepth('size'), 0);
    await sender.close();
  });

  it('delivers a scheduled message when its time comes, with the scheduled state while it waits', async () => {
    const sender = client.createSender('schedule');
    await sender.scheduleMessages({ body: 'later', messageId: 's1' }, new Date(now + 10_000));
    const receiver = client.createReceiver('schedule');
    const [peeked] = await receiver.peekMessages(1);
    assert.equal(peeked?.state, 'scheduled');
    assert.deepEqual(await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 }), []);
    now += 10_000;
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    assert.equal(message?.body, 'later');
    await receiver.completeMessage(message);
    await Promise.all([sender.close(), receiver.close()]);
  });
});
