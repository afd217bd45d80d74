/**
 * The Cosmos error translator: first as a pure function over the SDK's own error classes, then
 * with failures the real SDK produced against a real peer (409/412/404 from the protocol server,
 * ECONNREFUSED from a closed port, and a 429 answered by a loopback proxy because the protocol
 * server never throttles).
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CosmosClient, ErrorResponse, RestError, TimeoutError, type Container } from '@azure/cosmos';
import { cosmosCall, translateCosmosError } from '../../src/adapters/azure/cosmos-errors.js';
import { KernelError, isKernelError, type KernelErrorCode } from '../../src/kernel/index.js';
import { protocolServerClientOptions, startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';

function errorResponse(status: number, fields: Partial<ErrorResponse> = {}): ErrorResponse {
  const error = new ErrorResponse(`Message: {"Errors":["status ${status}"]}\r\nActivityId: 1234, Request URI: /dbs/x`);
  return Object.assign(error, { code: status }, fields);
}

describe('translateCosmosError (pure)', () => {
  const cases: Array<[number, KernelErrorCode, boolean]> = [
    [400, 'internal', false],
    [401, 'forbidden', false],
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [408, 'unavailable', true],
    [409, 'conflict', false],
    [410, 'unavailable', true],
    [412, 'precondition_failed', true],
    [413, 'payload_too_large', false],
    [429, 'unavailable', true],
    [449, 'unavailable', true],
    [500, 'unavailable', true],
    [503, 'unavailable', true],
    [418, 'internal', false],
  ];
  for (const [status, code, retryable] of cases) {
    it(`${status} -> ${code}${retryable ? ', retryable' : ''}`, () => {
      const translated = translateCosmosError(errorResponse(status), 'read event record');
      assert.deepEqual([translated.code, translated.retryable], [code, retryable]);
      assert.equal(translated.details?.status, status);
    });
  }

  it('429 carries the retry hint, from retryAfterInMs or from the raw header', () => {
    assert.equal(translateCosmosError(errorResponse(429, { retryAfterInMs: 1500 }), 'x').retryAfterMs, 1500);
    assert.equal(translateCosmosError(errorResponse(429, { headers: { 'x-ms-retry-after-ms': '250' } }), 'x').retryAfterMs, 250);
    assert.equal(translateCosmosError(errorResponse(429), 'x').retryAfterMs, undefined);
  });

  it('keeps the operation, substatus and activity id, the first line of the message, and the cause', () => {
    const original = errorResponse(404, { substatus: 1003, activityId: 'act-1' });
    const translated = translateCosmosError(original, 'read event record');
    assert.deepEqual(translated.details, { operation: 'read event record', status: 404, substatus: 1003, activityId: 'act-1' });
    assert.equal(translated.message, 'Cosmos DB read event record failed with 404: Message: {"Errors":["status 404"]}');
    assert.equal(translated.cause, original);
  });

  it('network failures and timeouts are unavailable and retryable', () => {
    for (const error of [
      new RestError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }),
      new RestError('socket hang up', { code: 'ECONNRESET' }),
      new TimeoutError('Timeout Error! Request took more than 1000 ms'),
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
    ]) {
      const translated = translateCosmosError(error, 'x');
      assert.deepEqual([translated.code, translated.retryable], ['unavailable', true], error.message);
    }
  });

  it('credential errors: unavailable yet is retryable, refused is forbidden', () => {
    const unavailable = translateCosmosError(Object.assign(new Error('no managed identity'), { name: 'CredentialUnavailableError' }), 'x');
    assert.deepEqual([unavailable.code, unavailable.retryable], ['unavailable', true]);
    const refused = translateCosmosError(Object.assign(new Error('AADSTS7000215'), { name: 'AuthenticationError' }), 'x');
    assert.deepEqual([refused.code, refused.retryable], ['forbidden', false]);
  });

  it('passes a KernelError through and makes anything else internal', () => {
    const kernel = new KernelError('invalid_input', 'bad cursor');
    assert.equal(translateCosmosError(kernel, 'x'), kernel);
    assert.deepEqual([translateCosmosError(new TypeError('oops'), 'x').code, translateCosmosError('a string', 'x').code], ['internal', 'internal']);
  });
});

describe('translateCosmosError (failures from the real SDK)', () => {
  let server: CosmosTestServer;
  let container: Container;

  beforeAll(async () => {
    server = await startCosmosServer();
    const { database } = await server.client().databases.createIfNotExists({ id: 'errors' });
    ({ container } = await database.containers.createIfNotExists({ id: 'items', partitionKey: { paths: ['/userId'] } }));
  });
  afterAll(() => server.close());

  const rejectsWith = (promise: Promise<unknown>, code: KernelErrorCode): Promise<void> =>
    assert.rejects(promise, (error) => isKernelError(error, code) && error.details?.operation === 'op');

  it('409 on a second create, 412 on a stale ETag, 404 on replacing a missing item', async () => {
    const created = await container.items.create({ id: 'a', userId: 'alice', n: 1 });
    await rejectsWith(cosmosCall('op', () => container.items.create({ id: 'a', userId: 'alice', n: 2 })), 'conflict');
    await container.items.upsert({ id: 'a', userId: 'alice', n: 3 });
    await rejectsWith(
      cosmosCall('op', () => container.item('a', 'alice').replace({ id: 'a', userId: 'alice', n: 4 }, { accessCondition: { type: 'IfMatch', condition: created.etag } })),
      'precondition_failed',
    );
    await rejectsWith(cosmosCall('op', () => container.item('missing', 'alice').replace({ id: 'missing', userId: 'alice' })), 'not_found');
  });

  it('ECONNREFUSED from a closed port is unavailable and retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new CosmosClient(protocolServerClientOptions(`http://127.0.0.1:${port}`));
    try {
      await assert.rejects(
        cosmosCall('op', () => client.database('errors').container('items').item('a', 'alice').read()),
        (error) => isKernelError(error, 'unavailable') && error.retryable && error.details?.network === 'ECONNREFUSED',
      );
    } finally {
      client.dispose();
    }
  });

  it('a 429 the SDK stopped retrying is unavailable, with the x-ms-retry-after-ms hint', async () => {
    // The protocol server never throttles; a loopback proxy answers the first request with a
    // 429 shaped as Cosmos sends it and forwards the rest, so the SDK parses a real response.
    let throttle = true;
    const proxy: Server = createServer((incoming, outgoing) => {
      if (throttle && incoming.url?.includes('/docs/')) {
        throttle = false;
        outgoing.writeHead(429, { 'content-type': 'application/json', 'x-ms-retry-after-ms': '750', 'x-ms-substatus': '3200' });
        outgoing.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large.' }));
        return;
      }
      const upstream = request(`${server.endpoint}${incoming.url ?? '/'}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    // No SDK retries, so the 429 reaches the translator as it would after the SDK gave up.
    const client = server.client({ endpoint: `http://127.0.0.1:${port}`, connectionPolicy: { retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 } } });
    try {
      const items = client.database('errors').container('items');
      await assert.rejects(cosmosCall('op', () => items.item('a', 'alice').read()), (error) => {
        assert.ok(isKernelError(error, 'unavailable'));
        assert.deepEqual([error.retryable, error.retryAfterMs, error.details?.status, error.details?.substatus], [true, 750, 429, 3200]);
        return true;
      });
      assert.equal((await items.item('a', 'alice').read()).statusCode, 200, 'the proxy forwards the next request');
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
