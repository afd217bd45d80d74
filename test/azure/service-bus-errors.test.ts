/**
 * The Service Bus error translation and the message helpers, on their own: real SDK error
 * objects (ServiceBusError is constructible), no broker needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ServiceBusError, type ServiceBusErrorCode } from '@azure/service-bus';
import { SERVICE_BUSY_BACKOFF_MS, toKernelErrorFromServiceBus } from '../../src/adapters/azure/service-bus-errors.js';
import { attemptOf, baseMessageId, retryCopy, toServiceBusMessage } from '../../src/adapters/azure/service-bus-message.js';
import { deliveryKey, KernelError } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

function translate(code: ServiceBusErrorCode, retryable?: boolean): KernelError {
  const error = new ServiceBusError(`sdk says ${code}`, code);
  if (retryable !== undefined) error.retryable = retryable;
  return toKernelErrorFromServiceBus(error, 'sending');
}

describe('toKernelErrorFromServiceBus', () => {
  it('makes throttling and outages retryable, ServiceBusy after the recommended pause', () => {
    const busy = translate('ServiceBusy');
    assert.deepEqual([busy.code, busy.retryable, busy.retryAfterMs], ['unavailable', true, SERVICE_BUSY_BACKOFF_MS]);
    for (const code of ['ServiceTimeout', 'ServiceCommunicationProblem'] as const) {
      const error = translate(code);
      assert.deepEqual([error.code, error.retryable, error.retryAfterMs], ['unavailable', true, undefined], code);
    }
    assert.equal(translate('QuotaExceeded').retryable, true);
  });

  it('makes configuration and content errors final', () => {
    const cases: Array<[ServiceBusErrorCode, string]> = [
      ['MessageSizeExceeded', 'payload_too_large'],
      ['UnauthorizedAccess', 'forbidden'],
      ['MessagingEntityNotFound', 'not_found'],
      ['MessageLockLost', 'conflict'],
    ];
    for (const [code, expected] of cases) {
      const error = translate(code);
      assert.deepEqual([error.code, error.retryable], [expected, false], code);
      assert.match(error.message, new RegExp(`sending failed: Service Bus ${code}`));
      assert.ok(error.cause instanceof ServiceBusError);
    }
  });

  it('lets the SDK decide for a GeneralError', () => {
    assert.deepEqual([translate('GeneralError', true).code, translate('GeneralError', true).retryable], ['unavailable', true]);
    assert.deepEqual([translate('GeneralError', false).code, translate('GeneralError', false).retryable], ['internal', false]);
  });

  it('translates aborts, network errors and anything else; passes KernelErrors through', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(toKernelErrorFromServiceBus(abort, 'x').code, 'shutting_down');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.deepEqual([toKernelErrorFromServiceBus(refused, 'x').code, toKernelErrorFromServiceBus(refused, 'x').retryable], ['unavailable', true]);
    const bug = toKernelErrorFromServiceBus(new TypeError('bad argument'), 'x');
    assert.deepEqual([bug.code, bug.retryable], ['internal', false]);
    const own = new KernelError('payload_too_large', 'too big');
    assert.equal(toKernelErrorFromServiceBus(own, 'x'), own);
  });
});

describe('Service Bus messages', () => {
  it('maps an event to its message: delivery key, subject, correlation id, properties', () => {
    const event = makeEvent({ id: 'e9', userid: 'bob', correlationid: 'root' });
    assert.deepEqual(toServiceBusMessage(event), {
      body: event,
      contentType: 'application/cloudevents+json',
      messageId: deliveryKey('bob', 'e9'),
      subject: 'demo.ping',
      correlationId: 'root',
      applicationProperties: { userid: 'bob', eventId: 'e9' },
    });
  });

  it('counts attempts across redeliveries, retry copies and releases', () => {
    assert.equal(attemptOf(undefined, 0), 1, 'first delivery');
    assert.equal(attemptOf(undefined, 2), 3, 'third delivery of the same message');
    assert.equal(attemptOf({ vextirAttempt: 3 }, 0), 3, 'first delivery of the copy made after attempt 2');
    assert.equal(attemptOf({ vextirAttempt: 3 }, 1), 4);
    assert.equal(attemptOf({ vextirReleases: 1 }, 1), 1, 'a released delivery does not count');
    assert.equal(attemptOf({ vextirAttempt: 'junk' }, 0), 1);
  });

  it('builds a retry copy with a deterministic id that carries the next attempt', () => {
    const key = deliveryKey('alice', 'e1');
    const source = { messageId: key, body: { a: 1 }, contentType: 'application/cloudevents+json', subject: 'demo.ping', correlationId: 'root', applicationProperties: { userid: 'alice', vextirReleases: 2 } };
    const copy = retryCopy(source, 1);
    assert.deepEqual(copy, { body: { a: 1 }, messageId: `${key}.r1`, contentType: 'application/cloudevents+json', subject: 'demo.ping', correlationId: 'root', applicationProperties: { userid: 'alice', vextirAttempt: 2 } });
    assert.equal(retryCopy({ ...source, messageId: copy.messageId }, 2).messageId, `${key}.r2`, 'a copy of a copy keys on the delivery key');
    assert.equal(baseMessageId(`${key}.r12`), key);
  });
});
