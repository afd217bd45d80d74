/**
 * Attacks on the running system, from the outside (HTTP, as any client): each attempt must be
 * rejected, and recorded in the audit trail. Token forgery against Entra (Azure mode) is in
 * adversarial-tokens.test.ts; the CEL and path properties are in policy-*.test.ts and
 * context-path.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { signDevToken } from '../../src/security/index.js';
import { DEFAULT_PROCESSOR_OPTIONS } from '../../src/kernel/index.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const relay = resolve('test/fixtures/drivers/relay-driver.js');
const probe = resolve('test/fixtures/drivers/probe-driver.js');
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    drivers: [
      { module: relay, options: { id: 'ping_side', from: 'loop.ping', to: 'loop.pong' } },
      { module: relay, options: { id: 'pong_side', from: 'loop.pong', to: 'loop.ping' } },
      { module: probe, options: { id: 'reader', capabilities: ['context.*', 'secret.*'], external: false } },
    ],
  });
});
afterAll(() => system.stop());

interface AuditBody {
  entries: Array<{ kind: string; request?: { method: string; path: string; status: number }; reason?: string }>;
}

/** The access entries a user's chain holds for a path, and proof that the chain is intact. */
async function refusalsAudited(user: string, path: string): Promise<number[]> {
  const verify = (await (await system.request(user, 'GET', `/api/audit/verify?user=${user}`, { admin: true })).json()) as { ok: boolean };
  assert.equal(verify.ok, true, `${user}'s audit chain verifies`);
  const { entries } = (await (await system.request(user, 'GET', `/api/audit?user=${user}&limit=1000`, { admin: true })).json()) as AuditBody;
  return entries.filter((entry) => entry.kind === 'access' && entry.request?.path === path).map((entry) => entry.request?.status ?? 0);
}

async function ingest(token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${system.url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('another user\'s data', () => {
  it('cannot be read through the events API: 404 (not 403, which would confirm it exists), audited', async () => {
    const id = await system.emit('alice', 'secret.note', { text: 'for alice only' });
    await system.settled('alice', id);
    assert.equal((await system.request('bob', 'GET', `/api/events/${id}`)).status, 404);
    const { events } = (await (await system.request('bob', 'GET', '/api/events?limit=500')).json()) as { events: Array<{ id: string }> };
    assert.ok(!events.some((event) => event.id === id));
    assert.equal((await system.request('bob', 'GET', '/api/audit?user=alice')).status, 403);
    assert.equal((await system.request('bob', 'GET', '/api/usage?user=alice')).status, 403);
    assert.deepEqual(await refusalsAudited('bob', `/api/events/${id}`), [404]);
    assert.deepEqual(await refusalsAudited('bob', '/api/audit'), [403]);
  });

  it('cannot be reached through context events without a grant; a grant opens exactly what it covers', async () => {
    const read = (path: string, type = 'context.read') => system.emit('carl', type, { path, owner: 'dora' });
    const before = await system.settled('carl', await read('/Shared/plan'));
    assert.equal(before.status, 'denied');
    assert.equal(before.decision?.authorizer, 'acl');

    const grant = await system.request('dora', 'PUT', '/api/grants', { body: { path: '/Shared', grantee: 'user:carl', access: 'read' } });
    assert.equal(grant.status, 200);
    const granted = await read('/Shared/plan');
    assert.equal((await system.settled('carl', granted)).status, 'processed');
    // The owner's own audit chain says who reached which path, through which grant.
    const doras = (await (await system.request('dora', 'GET', '/api/audit?limit=1000')).json()) as { entries: Array<{ kind: string; action?: string; target?: string; reason?: string }> };
    const reads = doras.entries.filter((entry) => entry.kind === 'access' && entry.action === 'context.read');
    assert.deepEqual(reads.map((entry) => entry.target), ['/Shared/plan']);
    assert.match(reads[0]?.reason ?? '', new RegExp(`^carl \\(event context.read ${granted}\\) through the grant on /Shared$`));
    assert.equal((await system.settled('carl', await read('/SharedX/plan'))).status, 'denied', 'a sibling with a shared prefix is not covered');
    assert.equal((await system.settled('carl', await read('/Shared/plan', 'context.write'))).status, 'denied', 'read does not allow write');
    assert.equal((await system.request('carl', 'PUT', '/api/grants', { body: { path: '/Shared', grantee: 'user:carl', access: 'write' } })).status, 400, 'nobody grants themselves');
  });
});

describe('spoofing the user', () => {
  it('refuses a userid in the body or in ce-userid, and ignores identity headers: the user comes from the token', async () => {
    const alice = await system.token('alice');
    const inBody = await ingest(alice, { specversion: '1.0', id: 'spoof-1', source: '/x', type: 'secret.note', userid: 'bob' }, { 'content-type': 'application/cloudevents+json' });
    assert.equal(inBody.status, 400);
    const inHeader = await fetch(`${system.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'spoof-2', 'ce-source': '/x', 'ce-type': 'secret.note', 'ce-userid': 'bob' },
      body: '{}',
    });
    assert.equal(inHeader.status, 400);
    const headers = { 'x-user-id': 'bob', 'x-ms-client-principal-id': 'bob', 'x-ms-client-principal-name': 'bob' };
    const viaHeaders = await ingest(alice, { id: 'spoof-3', type: 'secret.note', data: {} }, headers);
    assert.equal(viaHeaders.status, 202);
    assert.equal((await system.request('bob', 'GET', '/api/events/spoof-3')).status, 404);
    assert.equal((await system.request('alice', 'GET', '/api/events/spoof-3')).status, 200);
    const principal = Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: 'bob' }] })).toString('base64');
    assert.equal((await ingest(undefined, { type: 'secret.note' }, { 'x-ms-client-principal': principal })).status, 401, 'App Service principal headers are not trusted in local mode');
    assert.deepEqual(await refusalsAudited('alice', '/api/events'), [400, 400]);
  });

  it('refuses forged and stale tokens with 401, and audits them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = new UnsecuredJWT({ roles: [] }).setSubject('alice').setIssuer('vextir-local').setAudience('vextir-local').setExpirationTime('1h').encode();
    const wrongSecret = await signDevToken(new Uint8Array(randomBytes(32)), 'alice');
    const expired = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(new Uint8Array(randomBytes(32)));
    const [header, payload, signature] = (await system.token('alice')).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'bob' })).toString('base64url')}.${signature}`;
    const adminClaim = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['Vextir.Admin'] })).toString('base64url')}.${signature}`;
    for (const token of [unsigned, wrongSecret, expired, tampered, adminClaim]) {
      const response = await ingest(token, { type: 'secret.note' });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    const statuses = await refusalsAudited('anonymous', '/api/events');
    assert.ok(statuses.filter((status) => status === 401).length >= 5);
  });
});

describe('path traversal and look-alikes in context paths', () => {
  for (const path of ['/Projects/../../root', '/Projects/%2e%2e/x', '/Projects/%252e%252e/x', '/Projects/\uFF0E\uFF0E/x', '/Projects//x', '/Projects/\u202Eevil', 'Projects/x', '/Projects\\..\\x']) {
    it(`denies ${JSON.stringify(path)}, naming the problem`, async () => {
      const record = await system.settled('erik', await system.emit('erik', 'context.read', { path }));
      assert.equal(record.status, 'denied');
      assert.equal(record.decision?.authorizer, 'acl');
      assert.match(record.decision?.reason ?? '', /path/);
    });
  }
});

describe('CEL injection and pathological policies', () => {
  it('treats event data as data, never as policy source', async () => {
    const yaml = 'policies:\n  - { id: block-unsafe, name: B, condition: "event.type == \'secret.note\' && event.data.note != \'safe\'", action: deny }\n';
    assert.equal((await system.request('fred', 'PUT', '/api/policies', { body: yaml, headers: { 'content-type': 'application/yaml' } })).status, 200);
    for (const note of ["safe' || true || '", 'safe" || true || "', "') || true || ('", 'true']) {
      const record = await system.settled('fred', await system.emit('fred', 'secret.note', { note }));
      assert.equal(record.status, 'denied', `the note ${JSON.stringify(note)} is only a string`);
    }
    assert.equal((await system.settled('fred', await system.emit('fred', 'secret.note', { note: 'safe' }))).status, 'processed');
  });

  it('refuses oversized and pathological conditions when they are stored', async () => {
    const put = (condition: string) => system.request('fred', 'PUT', '/api/policies', { body: { policies: [{ id: 'p', name: 'P', condition, action: 'deny' }] } });
    const cases = [
      'event.type == "' + 'a'.repeat(5000) + '"',
      '('.repeat(200) + 'true' + ')'.repeat(200),
      Array.from({ length: 2000 }, (_, i) => `event.type == "t${i}"`).join(' || '),
      'event.data.xs.all(a, event.data.xs.all(b, event.data.xs.all(c, a == b && b == c)))',
      'event.data.s.matches("(a+)+$")',
    ];
    for (const condition of cases) {
      const response = await put(condition);
      assert.equal(response.status, 400, condition.slice(0, 60));
    }
  });
});

describe('replays and loops', () => {
  it('processes a replayed event id once, and refuses the id with other content (409, audited)', async () => {
    const event = { specversion: '1.0', id: 'replay-1', source: '/x', type: 'secret.note', data: { n: 1 } };
    const token = await system.token('gina');
    assert.equal((await ingest(token, event, { 'content-type': 'application/cloudevents+json' })).status, 202);
    const again = await ingest(token, event, { 'content-type': 'application/cloudevents+json' });
    assert.deepEqual(await again.json(), { ids: ['replay-1'], duplicates: ['replay-1'] });
    const record = await system.settled('gina', 'replay-1');
    assert.equal(record.drivers.length, 1);
    assert.equal((await ingest(token, { ...event, data: { n: 2 } }, { 'content-type': 'application/cloudevents+json' })).status, 409);
    assert.deepEqual(await refusalsAudited('gina', '/api/events'), [409]);
  });

  it('stops an endless loop between two drivers at the depth limit', async () => {
    let record = await system.settled('hugo', await system.emit('hugo', 'loop.ping', {}));
    let hops = 0;
    const { maxDepth } = DEFAULT_PROCESSOR_OPTIONS;
    while (record.status === 'processed' && hops < maxDepth + 10) {
      record = await system.settled('hugo', record.children[0]!);
      hops += 1;
    }
    assert.equal(record.status, 'denied');
    assert.equal(record.decision?.authorizer, 'loop-guard');
    assert.equal(hops, maxDepth + 1, `depth 0..${maxDepth} ran, depth ${maxDepth + 1} was denied`);
  });
});
