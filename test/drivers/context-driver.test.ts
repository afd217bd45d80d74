/** The `context` driver on the in-memory stores: answers, errors as answers, redelivery, grants, outages. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryContextStore, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { createContextDriver } from '../../src/drivers/context/index.js';
import { ContextWorkspace } from '../../src/kernel/context/workspace.js';
import { KernelError, type DriverContext, type EmittedEvent, type Envelope } from '../../src/kernel/index.js';
import type { ContextStore } from '../../src/kernel/ports/context.js';
import { createContextAccessControl, GrantStore } from '../../src/security/index.js';
import { kernelFixture, makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';

function setup(store: ContextStore = new MemoryContextStore()) {
  const state = new MemoryStateStore();
  const grants = new GrantStore(state);
  const driver = createContextDriver({ store, access: createContextAccessControl(grants), workspace: new ContextWorkspace(store, state), maxEventContentBytes: 1024 });
  let sequence = 0;
  const run = async (type: string, data: unknown, options: { attempt?: number; user?: string; id?: string; producer?: string } = {}): Promise<EmittedEvent & { data: Record<string, unknown> }> => {
    const event: Envelope = makeEvent({ id: options.id ?? `req-${(sequence += 1)}`, type, data, userid: options.user ?? 'alice', ...(options.producer !== undefined && { source: `/drivers/${options.producer}`, producer: options.producer }) });
    const outputs = await driver.handle(event, driverContext(options.attempt ?? 1));
    assert.ok(outputs && outputs.length === 1, 'one answer per request');
    const [answer] = outputs;
    assert.equal((answer?.data as { requestId?: string }).requestId, event.id, 'the answer names its request');
    return answer as EmittedEvent & { data: Record<string, unknown> };
  };
  return { store, state, grants, driver, run };
}

function driverContext(attempt: number): DriverContext {
  return { logger: silentLogger, clock: new TestClock(), signal: new AbortController().signal, idempotencyKey: 'k', attempt, restrictions: {}, reportUsage() {} };
}

describe('context driver', () => {
  it('declares itself a built-in, internal tool for the context.* requests', () => {
    const { driver } = setup();
    assert.equal(driver.manifest.id, 'context');
    assert.equal(driver.manifest.type, 'tool');
    assert.equal(driver.manifest.external, false);
    assert.deepEqual([...driver.manifest.capabilities].sort(), ['context.delete', 'context.list', 'context.move', 'context.query', 'context.read', 'context.search', 'context.write']);
  });

  it('writes, then reads with the result correlated to the request', async () => {
    const { run } = setup();
    const written = await run('context.write', { path: '/Projects/Alpha/status', content: { state: 'green' }, metadata: { priority: 'high' } });
    assert.equal(written.type, 'context.updated');
    assert.equal(written.subject, '/Projects/Alpha/status');
    assert.deepEqual({ ...written.data, entry: undefined }, { requestId: 'req-1', owner: 'alice', path: '/Projects/Alpha/status', created: true, entry: undefined });
    const entry = written.data['entry'] as { version: number; etag: string; content?: unknown };
    assert.equal(entry.version, 1);
    assert.equal(entry.content, undefined);

    const read = await run('context.read', { path: '/Projects/Alpha/status' });
    assert.equal(read.type, 'context.read.result');
    assert.deepEqual((read.data['entry'] as { content: unknown }).content, { state: 'green' });
    assert.deepEqual((read.data['entry'] as { metadata: unknown }).metadata, { priority: 'high' });
  });

  it('answers what cannot be done with context.error instead of failing', async () => {
    const { run } = setup();
    const missing = await run('context.read', { path: '/Notes/none' });
    assert.equal(missing.type, 'context.error');
    assert.deepEqual({ ...missing.data, message: undefined }, { requestId: 'req-1', request: 'context.read', code: 'not_found', message: undefined });
    const first = await run('context.write', { path: '/Notes/a', content: 'one' });
    const etag = (first.data['entry'] as { etag: string }).etag;
    await run('context.write', { path: '/Notes/a', content: 'two', ifMatch: etag });
    const stale = await run('context.write', { path: '/Notes/a', content: 'three', ifMatch: etag });
    assert.equal(stale.data['code'], 'precondition_failed');
    const invalid = await run('context.write', { path: '/Notes/../x', content: 1 });
    assert.equal(invalid.data['code'], 'invalid_input');
    const unknown = await run('context.write', { path: '/Notes/b', content: 1, colour: 'red' });
    assert.equal(unknown.data['code'], 'invalid_input');
    assert.match(String(unknown.data['message']), /colour/);
    const notEmpty = await run('context.delete', { path: '/Notes' });
    assert.equal(notEmpty.data['code'], 'conflict');
  });

  it('throws a retryable error when the store is unavailable, so the kernel redelivers', async () => {
    const outage = new KernelError('unavailable', 'the database is unavailable');
    class UnavailableStore extends MemoryContextStore {
      override async get(): Promise<undefined> {
        throw outage;
      }
    }
    const { driver } = setup(new UnavailableStore());
    await assert.rejects(driver.handle(makeEvent({ type: 'context.read', data: { path: '/Notes/a' } }), driverContext(1)), (error: unknown) => error instanceof KernelError && error.code === 'unavailable' && error.retryable);
  });

  it('does not create a second version when a write is redelivered', async () => {
    const { run, store } = setup();
    const data = { path: '/Notes/once', content: 'hello', metadata: { n: 1 } };
    await run('context.write', data, { id: 'w1', attempt: 1 });
    const again = await run('context.write', data, { id: 'w1', attempt: 2 });
    assert.equal(again.type, 'context.updated');
    assert.equal((again.data['entry'] as { version: number }).version, 1);
    assert.equal(again.data['created'], true, 'answered as the first run would have');
    assert.equal((await store.get('alice', '/Notes/once'))?.version, 1);
    assert.deepEqual(await store.versions('alice', '/Notes/once'), []);

    // A create-only write, redelivered, is still an answer, not a precondition failure.
    await run('context.write', { path: '/Notes/new', content: 1, ifNoneMatch: '*' }, { id: 'w2' });
    assert.equal((await run('context.write', { path: '/Notes/new', content: 1, ifNoneMatch: '*' }, { id: 'w2', attempt: 3 })).type, 'context.updated');

    // A new request with the same content is a new write.
    await run('context.write', data, { id: 'w3', attempt: 1 });
    assert.equal((await store.get('alice', '/Notes/once'))?.version, 2);
  });

  it('through the processor: a redelivery after a crash before the commit writes one version and re-emits the same answer', async () => {
    const { store, driver } = setup();
    const { processor } = kernelFixture([driver]);
    const event = makeEvent({ id: 'crash-1', type: 'context.write', data: { path: '/Notes/crash', content: { n: 1 } } });
    const first = await processor.process(event, { deliveryCount: 1 });
    // The host died here: nothing of `first` was committed, so the queue delivers the event again.
    const second = await processor.process(event, { deliveryCount: 2 });
    assert.ok(first.kind === 'complete' && second.kind === 'complete');
    assert.deepEqual(second.emissions.map((emission) => emission.event.id), first.emissions.map((emission) => emission.event.id));
    assert.equal(second.emissions[0]?.event.type, 'context.updated');
    assert.equal((await store.get('alice', '/Notes/crash'))?.version, 1);
  });

  it('answers a redelivered delete or move as done', async () => {
    const { run } = setup();
    await run('context.write', { path: '/Notes/gone', content: 1 });
    await run('context.delete', { path: '/Notes/gone' }, { id: 'd1' });
    const again = await run('context.delete', { path: '/Notes/gone' }, { id: 'd1', attempt: 2 });
    assert.equal(again.type, 'context.deleted');
    assert.equal((await run('context.delete', { path: '/Notes/gone' })).data['code'], 'not_found', 'a new delete of nothing is not found');

    await run('context.write', { path: '/Notes/from', content: 1 });
    await run('context.move', { path: '/Notes/from', to: '/Notes/to' }, { id: 'm1' });
    const moved = await run('context.move', { path: '/Notes/from', to: '/Notes/to' }, { id: 'm1', attempt: 2 });
    assert.equal(moved.type, 'context.moved');
    assert.equal(moved.data['to'], '/Notes/to');
  });

  it('lists, queries (text or AST) and searches', async () => {
    const { run } = setup();
    await run('context.write', { path: '/Projects/A/status', content: 'quarterly report on track', metadata: { priority: 'high' } });
    await run('context.write', { path: '/Projects/B/status', content: 'waiting', metadata: { priority: 'low' } });
    const listed = await run('context.list', { path: '/Projects' });
    assert.equal(listed.type, 'context.list.result');
    assert.deepEqual((listed.data['entries'] as Array<{ path: string }>).map((entry) => entry.path), ['/Projects/A', '/Projects/B']);

    const text = await run('context.query', { prefix: '/Projects/', where: 'priority = "high"', orderBy: 'updatedAt desc', limit: 20 });
    assert.equal(text.type, 'context.query.result');
    assert.deepEqual((text.data['entries'] as Array<{ path: string }>).map((entry) => entry.path), ['/Projects/A/status']);
    const ast = await run('context.query', { prefix: '/Projects', where: { op: 'eq', field: 'metadata.priority', value: 'low' }, orderBy: [{ field: 'path' }] });
    assert.deepEqual((ast.data['entries'] as Array<{ path: string }>).map((entry) => entry.path), ['/Projects/B/status']);
    const bad = await run('context.query', { where: 'priority = ' });
    assert.equal(bad.data['code'], 'invalid_input');

    const found = await run('context.search', { text: 'quarterly report' });
    assert.equal(found.type, 'context.search.result');
    assert.equal((found.data['hits'] as Array<{ entry: { path: string } }>)[0]?.entry.path, '/Projects/A/status');
  });

  it("reaches another user's hub only through a grant, checked on every path it touches", async () => {
    const { run, grants, driver } = setup();
    await run('context.write', { path: '/Projects/Plan', content: 'secret plan' }, { user: 'alice' });
    await run('context.write', { path: '/Notes/Diary', content: 'secret diary' }, { user: 'alice' });
    const denied = await run('context.read', { path: '/Projects/Plan', owner: 'alice' }, { user: 'bob' });
    assert.equal(denied.data['code'], 'forbidden');
    assert.equal((await run('context.query', { owner: 'alice' }, { user: 'bob' })).data['code'], 'forbidden');
    assert.equal((await run('context.search', { text: 'secret', owner: 'alice' }, { user: 'bob' })).data['code'], 'forbidden');

    await grants.grant('alice', { path: '/Projects', grantee: 'user:bob', access: 'read' }, 'alice', new Date());
    const read = await run('context.read', { path: '/Projects/Plan', owner: 'alice' }, { user: 'bob' });
    assert.equal(read.type, 'context.read.result');
    assert.equal(read.data['owner'], 'alice');
    const searched = await run('context.search', { text: 'secret', prefix: '/Projects', owner: 'alice' }, { user: 'bob' });
    assert.deepEqual((searched.data['hits'] as Array<{ entry: { path: string } }>).map((hit) => hit.entry.path), ['/Projects/Plan']);
    assert.equal((await run('context.search', { text: 'secret', owner: 'alice' }, { user: 'bob' })).data['code'], 'forbidden', 'the root is not granted');
    assert.equal((await run('context.write', { path: '/Projects/Plan', content: 'mine', owner: 'alice' }, { user: 'bob' })).data['code'], 'forbidden');

    // A grant to an agent covers what that driver asks for on the user's behalf.
    await grants.grant('alice', { path: '/Notes', grantee: 'agent:summarizer', access: 'read' }, 'alice', new Date());
    const agent = await run('context.read', { path: '/Notes/Diary', owner: 'alice' }, { user: 'bob', producer: 'summarizer' });
    assert.equal(agent.type, 'context.read.result');
    // Only the kernel names the producer: a source of /drivers/summarizer borrows nothing.
    const spoofed = makeEvent({ id: 'spoofed', type: 'context.read', data: { path: '/Notes/Diary', owner: 'alice' }, userid: 'bob', source: '/drivers/summarizer' });
    const [refused] = (await driver.handle(spoofed, driverContext(1))) ?? [];
    assert.equal((refused?.data as { code?: string }).code, 'forbidden');
  });

  it('answers a large document without its content, saying where to get it', async () => {
    const { run } = setup();
    await run('context.write', { path: '/Documents/big', content: 'x'.repeat(2000) });
    const read = await run('context.read', { path: '/Documents/big' });
    const entry = read.data['entry'] as { content?: unknown; size: number };
    assert.equal(entry.content, undefined);
    assert.equal(entry.size, 2000);
    assert.match(String(read.data['contentOmitted']), /GET \/api\/context\/Documents\/big/);
  });

  it("provisions the requester's workspace on first use", async () => {
    const { run } = setup();
    const listed = await run('context.list', {}, { user: 'carol' });
    assert.deepEqual((listed.data['entries'] as Array<{ path: string }>).map((entry) => entry.path), ['/Documents', '/Notes', '/Projects', '/Research', '/Welcome']);
  });
});
