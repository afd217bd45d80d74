/**
 * The Context Hub's user story from the outside: the real embedded system (SQLite, HTTP, worker,
 * security stage) over HTTP with per-user tokens, and the same through `context.*` events.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ env: { VEXTIR_CONTEXT_MAX_DOC_BYTES: '4096', VEXTIR_CONTEXT_VERSIONS: '5' } });
});
afterAll(async () => {
  await system.stop();
});

const ENVELOPE = { 'content-type': 'application/vnd.vextir.context+json' };

async function put(user: string, path: string, content: unknown, metadata?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return system.request(user, 'PUT', `/api/context${path}`, { body: JSON.stringify({ content, ...(metadata && { metadata }) }), headers: { ...ENVELOPE, ...headers } });
}

async function paths(response: Response, key: 'entries' | 'hits' = 'entries'): Promise<string[]> {
  assert.equal(response.status, 200);
  const body = (await response.json()) as { entries?: Array<{ path: string }>; hits?: Array<{ entry: { path: string } }> };
  return key === 'entries' ? (body.entries ?? []).map((entry) => entry.path) : (body.hits ?? []).map((hit) => hit.entry.path);
}

/** The answer a `context.*` request got: its one child event, once that has been processed. */
async function answerTo(user: string, id: string): Promise<{ type: string; data: Record<string, unknown>; causationid?: string }> {
  const record = await system.settled(user, id);
  assert.equal(record.status, 'processed', JSON.stringify(record));
  assert.equal(record.children.length, 1, JSON.stringify(record));
  const child: RecordBody = await system.settled(user, record.children[0] ?? '');
  return child.event as unknown as { type: string; data: Record<string, unknown>; causationid?: string };
}

describe('the Context Hub over HTTP', () => {
  it('PUT then GET with ETag; a stale If-Match is refused; versions and restore', async () => {
    const created = await put('ann', '/Projects/Alpha/status', { state: 'green' }, { priority: 'high' });
    assert.equal(created.status, 201, await created.clone().text());
    const etag = created.headers.get('etag') ?? '';
    const got = await system.request('ann', 'GET', '/api/context/Projects/Alpha/status');
    assert.deepEqual(await got.json(), { state: 'green' });
    assert.equal(got.headers.get('etag'), etag);
    assert.equal((await system.request('ann', 'GET', '/api/context/Projects/Alpha/status', { headers: { 'if-none-match': etag } })).status, 304);

    assert.equal((await put('ann', '/Projects/Alpha/status', { state: 'amber' }, undefined, { 'if-match': etag })).status, 200);
    const stale = await put('ann', '/Projects/Alpha/status', { state: 'red' }, undefined, { 'if-match': etag });
    assert.equal(stale.status, 412);
    assert.equal(stale.headers.get('content-type'), 'application/problem+json');

    const versions = (await (await system.request('ann', 'GET', '/api/context/Projects/Alpha/status?view=versions')).json()) as { current: number; versions: Array<{ version: number }> };
    assert.deepEqual([versions.current, versions.versions.map((version) => version.version)], [2, [1]]);
    const restored = await system.request('ann', 'POST', '/api/context/Projects/Alpha/status?action=restore&version=1');
    assert.equal(restored.status, 200);
    assert.deepEqual(await (await system.request('ann', 'GET', '/api/context/Projects/Alpha/status')).json(), { state: 'green' });
    const entry = (await (await system.request('ann', 'GET', '/api/context/Projects/Alpha/status?view=entry')).json()) as { version: number; metadata: unknown };
    assert.deepEqual([entry.version, entry.metadata], [3, { priority: 'high' }]);
  });

  it('lists, moves a folder, and deletes a folder only recursively', async () => {
    for (const name of ['plan', 'budget']) assert.equal((await put('ben', `/Projects/Old/${name}`, name)).status, 201);
    assert.deepEqual(await paths(await system.request('ben', 'GET', '/api/context/Projects/Old')), ['/Projects/Old/budget', '/Projects/Old/plan']);
    const moved = await system.request('ben', 'POST', '/api/context/Projects/Old?action=move', { body: { to: '/Projects/New' } });
    assert.equal(moved.status, 200, await moved.clone().text());
    assert.equal(moved.headers.get('location'), '/api/context/Projects/New');
    assert.equal(await (await system.request('ben', 'GET', '/api/context/Projects/New/plan')).text(), 'plan');
    assert.equal((await system.request('ben', 'GET', '/api/context/Projects/Old/plan')).status, 404);
    assert.equal((await system.request('ben', 'DELETE', '/api/context/Projects/New')).status, 409);
    const removed = await system.request('ben', 'DELETE', '/api/context/Projects/New?recursive=true');
    assert.deepEqual(await removed.json(), { path: '/Projects/New', removed: 3 });
  });

  it('answers the seed query and a ranked full-text search', async () => {
    await put('cat', '/Projects/A/status', 'on track for the quarterly report', { priority: 'high' });
    await put('cat', '/Projects/B/status', 'blocked', { priority: 'low' });
    await put('cat', '/Projects/C/brief', { title: 'launch' }, { priority: 'high' });
    await put('cat', '/Notes/report', 'quarterly report: the quarterly report is due; report early', { priority: 'high' });
    const query = new URLSearchParams({ prefix: '/Projects/', where: 'priority = "high"', orderBy: 'path', limit: '20' });
    assert.deepEqual(await paths(await system.request('cat', 'GET', `/api/context?${query.toString()}`)), ['/Projects/A/status', '/Projects/C/brief']);
    const hits = await paths(await system.request('cat', 'GET', `/api/context?${new URLSearchParams({ search: 'quarterly report' }).toString()}`), 'hits');
    assert.deepEqual(hits.slice(0, 2), ['/Notes/report', '/Projects/A/status']);
  });

  it("gives a new user a workspace on first touch", async () => {
    const root = await paths(await system.request('dan', 'GET', '/api/context'));
    assert.deepEqual(root, ['/Documents', '/Notes', '/Projects', '/Research', '/Welcome']);
    assert.match(await (await system.request('dan', 'GET', '/api/context/Welcome')).text(), /Context Hub/);
  });

  it('enforces the limits: 413 over the document size, 400 on a too deep path', async () => {
    const big = await system.request('eve', 'PUT', '/api/context/Notes/big', { body: 'x'.repeat(4097), headers: { 'content-type': 'text/plain' } });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { errors: Array<{ field: string }> }).errors[0]?.field, 'body');
    const deep = await system.request('eve', 'GET', `/api/context/${Array.from({ length: 33 }, () => 'd').join('/')}`);
    assert.equal(deep.status, 400);
    assert.equal(((await deep.json()) as { errors: Array<{ field: string }> }).errors[0]?.field, 'path');
  });

  it("keeps another user's documents unreachable without a grant, readable (only) with one", async () => {
    await put('fay', '/Projects/Secret/plan', 'launch on friday');
    assert.equal((await system.request('gus', 'GET', '/api/context/Projects/Secret/plan')).status, 404);
    assert.equal((await system.request('gus', 'GET', '/api/context/Projects/Secret/plan?owner=fay')).status, 403);
    const granted = await system.request('fay', 'PUT', '/api/grants', { body: { path: '/Projects', grantee: 'user:gus', access: 'read' } });
    assert.equal(granted.status, 200);
    assert.equal(await (await system.request('gus', 'GET', '/api/context/Projects/Secret/plan?owner=fay')).text(), 'launch on friday');
    const write = await system.request('gus', 'PUT', '/api/context/Projects/Secret/plan?owner=fay', { body: 'mine', headers: { 'content-type': 'text/plain' } });
    assert.equal(write.status, 403);
    // The owner's audit trail says who read what through which grant; the refusals are in gus's.
    const fays = (await (await system.request('fay', 'GET', '/api/audit?limit=1000')).json()) as { entries: Array<{ kind: string; action?: string; target?: string; reason?: string }> };
    const reads = fays.entries.filter((entry) => entry.kind === 'access' && entry.action === 'context.read');
    assert.deepEqual(reads.map((entry) => entry.target), ['/Projects/Secret/plan']);
    assert.match(reads[0]?.reason ?? '', /^gus .* through the grant on \/Projects$/);
    const gusRefusals = (await (await system.request('gus', 'GET', '/api/audit?limit=1000')).json()) as { entries: Array<{ kind: string; request?: { status: number } }> };
    assert.deepEqual(gusRefusals.entries.filter((entry) => entry.kind === 'access').map((entry) => entry.request?.status), [404, 403, 403]);
  });
});

describe('the Context Hub through events', () => {
  it('context.write then context.read: answers correlated to their requests', async () => {
    const writeId = await system.emit('hal', 'context.write', { path: '/Notes/from-events', content: { n: 1 }, metadata: { priority: 'high' } });
    const updated = await answerTo('hal', writeId);
    assert.equal(updated.type, 'context.updated');
    assert.equal(updated.data['requestId'], writeId);
    assert.equal(updated.causationid, writeId);

    const readId = await system.emit('hal', 'context.read', { path: '/Notes/from-events' });
    const read = await answerTo('hal', readId);
    assert.equal(read.type, 'context.read.result');
    assert.equal(read.data['requestId'], readId);
    assert.deepEqual((read.data['entry'] as { content: unknown }).content, { n: 1 });

    const missing = await answerTo('hal', await system.emit('hal', 'context.read', { path: '/Notes/none' }));
    assert.deepEqual([missing.type, missing.data['code']], ['context.error', 'not_found']);
  });

  it('context.query and context.search answer with results', async () => {
    await system.emit('ivy', 'context.write', { path: '/Projects/X/status', content: 'quarterly numbers look good', metadata: { priority: 'high' } }).then((id) => answerTo('ivy', id));
    const query = await answerTo('ivy', await system.emit('ivy', 'context.query', { prefix: '/Projects/', where: 'priority = "high"', orderBy: 'updatedAt desc', limit: 20 }));
    assert.equal(query.type, 'context.query.result');
    assert.deepEqual((query.data['entries'] as Array<{ path: string }>).map((entry) => entry.path), ['/Projects/X/status']);
    const search = await answerTo('ivy', await system.emit('ivy', 'context.search', { text: 'quarterly' }));
    assert.equal(search.type, 'context.search.result');
    assert.equal((search.data['hits'] as Array<{ entry: { path: string } }>)[0]?.entry.path, '/Projects/X/status');
  });

  it("denies another user's paths without a grant, and answers with one", async () => {
    await put('jon', '/Projects/Shared/doc', 'shared text');
    const deniedId = await system.emit('kim', 'context.read', { path: '/Projects/Shared/doc', owner: 'jon' });
    const denied = await system.settled('kim', deniedId);
    assert.equal(denied.status, 'denied', 'the security stage refuses the event before the driver sees it');
    const query = await answerTo('kim', await system.emit('kim', 'context.query', { prefix: '/Projects', owner: 'jon' }));
    assert.deepEqual([query.type, query.data['code']], ['context.error', 'forbidden'], 'a prefix the stage does not check is checked by the driver');

    await system.request('jon', 'PUT', '/api/grants', { body: { path: '/Projects/Shared', grantee: 'user:kim', access: 'read' } });
    const read = await answerTo('kim', await system.emit('kim', 'context.read', { path: '/Projects/Shared/doc', owner: 'jon' }));
    assert.equal(read.type, 'context.read.result');
    assert.equal((read.data['entry'] as { content: unknown }).content, 'shared text');
    const writeId = await system.emit('kim', 'context.write', { path: '/Projects/Shared/doc', owner: 'jon', content: 'overwritten' });
    assert.equal((await system.settled('kim', writeId)).status, 'denied');
    assert.equal(await (await system.request('jon', 'GET', '/api/context/Projects/Shared/doc')).text(), 'shared text');
  });
});
