/**
 * The Service Bus trigger's metadata, parsed once in src/functions: what the Functions host
 * passes (deliveryCount from 1, applicationProperties or the older userProperties, a body as an
 * object, JSON text or bytes) becomes a DeliveryInfo and a typed message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import functions from '@azure/functions';
import { createQueueHandler } from '../../src/functions/queue-handler.js';
import { fromServiceBusTrigger } from '../../src/functions/service-bus-trigger.js';
import type { AzureSystem, TriggeredMessage } from '../../src/hosts/azure/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

const { InvocationContext } = functions;

describe('Service Bus trigger metadata', () => {
  it('builds DeliveryInfo from the host (deliveryCount from 1, attempts carried by retry copies, the message id) and parses a JSON body', () => {
    const event = makeEvent();
    assert.deepEqual(fromServiceBusTrigger(event, { deliveryCount: 1, applicationProperties: {} }).delivery, { deliveryCount: 1 });
    const copy = fromServiceBusTrigger(JSON.stringify(event), { deliveryCount: 2, applicationProperties: { vextirAttempt: 3 }, messageId: 'k.r2', subject: 'demo.ping' });
    assert.deepEqual(copy, {
      delivery: { deliveryCount: 4, messageId: 'k.r2' },
      message: { body: event, messageId: 'k.r2', contentType: undefined, subject: 'demo.ping', correlationId: undefined, applicationProperties: { vextirAttempt: 3 } },
    });
    const older = fromServiceBusTrigger('not json', { deliveryCount: '1', userProperties: { vextirReleases: 0 } });
    assert.deepEqual(older.delivery, { deliveryCount: 1 });
    assert.equal(older.message.body, 'not json', 'not JSON: passed on for the processor to refuse');
    assert.deepEqual(older.message.applicationProperties, { vextirReleases: 0 });
    assert.deepEqual(fromServiceBusTrigger(Buffer.from(JSON.stringify(event)), undefined), {
      delivery: { deliveryCount: 1 },
      message: { body: event, messageId: undefined, contentType: undefined, subject: undefined, correlationId: undefined, applicationProperties: undefined },
    });
  });

  it('refuses metadata the host would never send, naming the field', () => {
    assert.throws(() => fromServiceBusTrigger({}, { deliveryCount: 0 }), /deliveryCount/);
    assert.throws(() => fromServiceBusTrigger({}, { deliveryCount: 'many' }), /deliveryCount/);
  });

  it('hands the Azure system the parsed message; a bad trigger is thrown before the system is touched', async () => {
    const received: TriggeredMessage[] = [];
    const system = { handleQueueMessage: async (triggered: TriggeredMessage) => void received.push(triggered) } as unknown as AzureSystem;
    const handler = createQueueHandler(async () => system);
    const context = (triggerMetadata: Record<string, unknown>) => new InvocationContext({ functionName: 'UniversalEventProcessor', triggerMetadata });
    const event = makeEvent();
    await handler(JSON.stringify(event), context({ deliveryCount: 3, messageId: 'm1' }));
    assert.deepEqual(received.map((t) => [t.delivery.deliveryCount, t.message.messageId, t.message.body]), [[3, 'm1', event]]);
    await assert.rejects(handler(event, context({ deliveryCount: -1 })), /deliveryCount/);
    assert.equal(received.length, 1);
  });
});
