/**
 * What a processor thread's logger sends to the HTTP thread: records at or above the host's
 * level only, errors as plain objects that keep their code (a structured clone would drop it),
 * and something readable when a field cannot cross threads at all.
 */
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, it } from 'vitest';
import { portLogger } from '../../src/hosts/embedded/threads/thread-logger.js';
import type { FromThread } from '../../src/hosts/embedded/threads/protocol.js';
import { KernelError } from '../../src/kernel/index.js';

function capture(level: string) {
  const { port1, port2 } = new MessageChannel();
  const logger = portLogger((message) => port1.postMessage(message), level, { thread: 1 });
  const received = (): FromThread[] => {
    const out: FromThread[] = [];
    for (let next = receiveMessageOnPort(port2); next; next = receiveMessageOnPort(port2)) out.push(next.message as FromThread);
    return out;
  };
  return { logger, received, close: () => port1.close() };
}

describe('a processor thread’s logger', () => {
  it('sends records at or above the level, with the bindings of its children', () => {
    const { logger, received, close } = capture('info');
    logger.debug('not sent');
    logger.info('plain');
    logger.child({ driverId: 'ping' }).warn({ n: 1 }, 'with fields');
    assert.deepEqual(received(), [
      { kind: 'log', level: 'info', bindings: { thread: 1 }, fields: undefined, message: 'plain' },
      { kind: 'log', level: 'warn', bindings: { thread: 1, driverId: 'ping' }, fields: { n: 1 }, message: 'with fields' },
    ]);
    close();
  });

  it('sends an error as a plain object with its code, and a field that cannot be copied as text', () => {
    const { logger, received, close } = capture('warn');
    logger.error({ err: new KernelError('unavailable', 'store down') }, 'failed');
    logger.error({ callback: () => 1, n: 2 }, 'odd fields');
    const [error, odd] = received();
    assert.equal(error?.kind, 'log');
    const err = (error?.kind === 'log' ? error.fields?.['err'] : undefined) as Record<string, unknown>;
    assert.equal(err['message'], 'store down');
    assert.equal(err['code'], 'unavailable');
    assert.equal(err['retryable'], true);
    assert.match(String(err['stack']), /store down/);
    assert.deepEqual(odd?.kind === 'log' ? odd.fields : undefined, { fields: '{"n":2}' });
    close();
  });
});
