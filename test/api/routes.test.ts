import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createRouter } from '../../src/api/router.js';
import { KernelError, type DriverManifest } from '../../src/kernel/index.js';
import { signDevToken } from '../../src/security/index.js';
import { apiFixture, assertProblem, OK_HEALTH, send } from './helpers.js';

describe('router', () => {
  const router = createRouter([
    { method: 'GET', path: '/api/events', handler: 'list' },
    { method: 'POST', path: '/api/events', handler: 'post' },
    { method: 'GET', path: '/api/events/:id', handler: 'get' },
  ]);

  it('matches literal paths and decodes parameters', () => {
    assert.deepEqual(router.match('GET', '/api/events'), { kind: 'found', handler: 'list', params: {} });
    assert.deepEqual(router.match('post', '/api/events/'), { kind: 'found', handler: 'post', params: {} });
    assert.deepEqual(router.match('GET', '/api/events/a%3Ab'), { kind: 'found', handler: 'get', params: { id: 'a:b' } });
  });

  it('tells an unknown path from a wrong method', () => {
    assert.deepEqual(router.match('DELETE', '/api/events'), { kind: 'method_not_allowed', allow: ['GET', 'POST'] });
    assert.deepEqual(router.match('GET', '/api/events/a/b'), { kind: 'not_found' });
    assert.deepEqual(router.match('GET', '/api/events/%E0%A4%A'), { kind: 'not_found' });
    assert.deepEqual(router.match('GET', '/api//events'), { kind: 'not_found' });
  });
});

describe('authentication', () => {
  const protectedRoutes: Array<[string, string]> = [
    ['POST', '/api/events'],
    ['GET', '/api/events'],
    ['GET', '/api/events/e1'],
    ['GET', '/api/stream'],
    ['GET', '/api/metrics'],
    ['GET', '/api/drivers'],
    ['GET', '/api/me'],
    ['GET', '/api/events/aggregate'],
    ['GET', '/api/events/e1/tree'],
    ['GET', '/api/agents/runs'],
    ['POST', '/api/mcp'],
  ];

  for (const [method, path] of protectedRoutes) {
    it(`${method} ${path} answers 401 with a Bearer challenge without a token`, async () => {
      const fixture = apiFixture();
      const response = await send(fixture, method, path, { headers: { 'content-type': 'application/json' }, body: '{"type":"a.b"}' });
      assertProblem(response, 401);
      assert.match(response.headers['www-authenticate'] ?? '', /^Bearer/);
    });
  }

  it('rejects a token signed with another secret', async () => {
    const fixture = apiFixture();
    const forged = await signDevToken(new TextEncoder().encode('another secret that is long enough'), 'alice');
    const problem = assertProblem(await send(fixture, 'GET', '/api/events', { token: forged }), 401);
    assert.match(problem.detail, /signature/);
  });

  it('rejects an expired token', async () => {
    const fixture = apiFixture();
    const expired = await fixture.token('alice', { expiresIn: '2 hours ago' });
    const problem = assertProblem(await send(fixture, 'GET', '/api/events', { token: expired }), 401);
    assert.match(problem.detail, /expired/);
  });

  it('rejects a non-Bearer scheme and garbage tokens', async () => {
    const fixture = apiFixture();
    assertProblem(await send(fixture, 'GET', '/api/events', { headers: { authorization: 'Basic YWxpY2U6eA==' } }), 401);
    assertProblem(await send(fixture, 'GET', '/api/events', { headers: { authorization: 'Bearer' } }), 401);
    assertProblem(await send(fixture, 'GET', '/api/events', { token: 'not.a.jwt' }), 401);
  });

  it('accepts the scheme in any case', async () => {
    const fixture = apiFixture();
    const response = await send(fixture, 'GET', '/api/events', { headers: { authorization: `bearer ${await fixture.token()}` } });
    assert.equal(response.status, 200);
  });
});

describe('routing errors', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const fixture = apiFixture();
    assertProblem(await send(fixture, 'GET', '/api/nothing-here', { token: await fixture.token() }), 404);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const fixture = apiFixture();
    const response = await send(fixture, 'DELETE', '/api/events', { token: await fixture.token() });
    assertProblem(response, 405);
    assert.equal(response.headers['allow'], 'POST, GET');
  });

  it('turns an unexpected failure into a 500 that does not leak its message', async () => {
    const fixture = apiFixture({ services: { drivers: () => { throw new Error('secret connection string=abc'); } } });
    const response = await send(fixture, 'GET', '/api/drivers', { token: await fixture.token() });
    const problem = assertProblem(response, 500);
    assert.doesNotMatch(response.text, /secret|abc/);
    assert.equal(problem.type, 'urn:vextir:problem:internal');
  });

  it('answers 500 for a look-alike KernelError with a code it does not know', async () => {
    const foreign = Object.assign(new Error('from another copy of the class'), { name: 'KernelError', code: 'made_up', retryable: false });
    const fixture = apiFixture({ services: { drivers: () => { throw foreign; } } });
    const problem = assertProblem(await send(fixture, 'GET', '/api/drivers', { token: await fixture.token() }), 500);
    assert.equal(problem.type, 'urn:vextir:problem:internal');
  });

  it('maps rate limiting to 429 with Retry-After and unavailability to 503', async () => {
    const limited = apiFixture({ services: { drivers: () => { throw new KernelError('rate_limited', 'slow down', { retryAfterMs: 2500 }); } } });
    const response = await send(limited, 'GET', '/api/drivers', { token: await limited.token() });
    assertProblem(response, 429);
    assert.equal(response.headers['retry-after'], '3');
    const down = apiFixture({ services: { drivers: () => { throw new KernelError('shutting_down', 'bye'); } } });
    assertProblem(await send(down, 'GET', '/api/drivers', { token: await down.token() }), 503);
  });
});

describe('system endpoints', () => {
  it('serves health without authentication', async () => {
    const fixture = apiFixture();
    const response = await send(fixture, 'GET', '/api/health');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.deepEqual(response.json(), OK_HEALTH);
  });

  it('answers 503 when degraded or when the health check itself fails', async () => {
    const degraded = apiFixture({ health: async () => ({ ...OK_HEALTH, status: 'degraded', checks: { store: { ok: false, detail: 'locked' } } }) });
    const response = await send(degraded, 'GET', '/api/health');
    assert.equal(response.status, 503);
    assert.equal((response.json() as { status: string }).status, 'degraded');
    const broken = apiFixture({ health: async () => { throw new Error('boom'); } });
    assertProblem(await send(broken, 'GET', '/api/health'), 503);
  });

  it('serves Prometheus metrics with their content type', async () => {
    const fixture = apiFixture();
    fixture.metrics.eventIngested('demo.ping');
    const response = await send(fixture, 'GET', '/api/metrics', { token: await fixture.token() });
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(response.text, /vextir_events_ingested_total\{type="demo.ping"\} 1/);
  });

  it('lists drivers with their manifests and stats', async () => {
    const manifest: DriverManifest = { id: 'echo', name: 'Echo', version: '1.0.0', type: 'tool', capabilities: ['demo.*'], external: false, resources: { timeout: 1000, maxConcurrency: 1 } };
    const stats = {
      invocations: 2, failures: 0, timeouts: 0, inFlight: 0, lastRunAt: '2026-01-01T00:00:00.000Z',
      latencyMs: { p50: 1, p95: 2, p99: 2, mean: 1.5, samples: 2 }, health: { status: 'ok' as const, reason: 'the last 2 runs succeeded' },
    };
    const fixture = apiFixture({ services: { drivers: () => [{ manifest, stats }] } });
    const response = await send(fixture, 'GET', '/api/drivers', { token: await fixture.token() });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.deepEqual(response.json(), { drivers: [{ manifest, stats }] });
  });
});
