/**
 * The Cosmos ContextStore's multi-item operations under crashes and races, on the protocol
 * server: each operation is cut before its 1st, 2nd, ... write (every later write fails, as if
 * the process had died there), the state left behind is checked (no entry without its parent, no
 * document lost), then the same call on a healthy store must finish the job and leave exactly
 * what the memory store leaves after the uninterrupted operation.
 *
 * What this cannot prove: a crash *inside* one write (the service applies a point write whole),
 * and races between more than two writers at the service's own speed.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { MemoryContextStore } from '../../src/adapters/memory/context-store.js';
import { isKernelError } from '../../src/kernel/errors.js';
import type { ContextStore } from '../../src/kernel/ports/context.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { LIMITS, orphans, withContext, type ContextFixture } from './cosmos-context-harness.js';

let server: CosmosTestServer;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

const json = (content: unknown) => ({ content, contentType: 'application/json' });
/** More writes than any operation here needs: the loop stops at the first run that did not crash. */
const MAX_WRITES = 60;

async function seed(store: ContextStore, user: string): Promise<void> {
  await store.put(user, '/S/one', json(1));
  await store.put(user, '/S/one', json(11));
  await store.put(user, '/S/sub/two', json(2));
  await store.put(user, '/S/sub/deeper/three', json(3));
  await store.makeFolder(user, '/S/empty');
  await store.put(user, '/S2', json('a sibling sharing the prefix'));
}

/** Everything a user can see, without ETags (which differ between stores by design). */
async function snapshot(store: ContextStore, user: string): Promise<unknown[]> {
  const entries = await store.query(user, { prefix: '/', orderBy: [], limit: 1000, kinds: ['document', 'folder'] });
  return Promise.all(
    entries.map(async ({ etag: _etag, ...summary }) => ({
      ...summary,
      content: (await store.get(user, summary.path))?.content,
      versions: (await store.versions(user, summary.path)).map(({ etag: _version, ...version }) => version),
    })),
  );
}

/** The memory store's state after the same seed and operation: the reference. */
async function expected(operation: (store: ContextStore, user: string) => Promise<unknown>): Promise<unknown[]> {
  const memory = new MemoryContextStore({ clock: new TestClock(new Date('2026-03-01T09:00:00.000Z')), limits: LIMITS });
  await seed(memory, 'ref');
  await operation(memory, 'ref');
  return snapshot(memory, 'ref');
}

/** Runs `operation` cut before each write in turn; `check` sees each crashed state, then the operation is run again. */
let runs = 0;

async function everyCrash(
  fixture: ContextFixture,
  operation: (store: ContextStore, user: string) => Promise<unknown>,
  check: (user: string, items: Array<Record<string, unknown>>) => Promise<void>,
): Promise<number> {
  const reference = await expected(operation);
  runs += 1;
  for (let writes = 0; writes <= MAX_WRITES; writes += 1) {
    const user = `run${runs}-${writes}`;
    await seed(fixture.store, user);
    const crashing = fixture.crashing(writes);
    const outcome = await operation(crashing.store, user).then(
      () => 'done',
      (error: unknown) => error,
    );
    await crashing.settle();
    if (!crashing.crashed()) {
      assert.equal(outcome, 'done');
      assert.deepEqual(await snapshot(fixture.store, user), reference, 'uninterrupted');
      return writes;
    }
    assert.ok(isKernelError(outcome, 'internal'), `the crash surfaced as an error (${String(outcome)})`);
    const items = await fixture.raw(user);
    assert.deepEqual(orphans(items), [], `no entry lost its parent (crash before write ${writes + 1})`);
    await check(user, items);
    await operation(fixture.store, user);
    assert.deepEqual(await snapshot(fixture.store, user), reference, `run again after a crash before write ${writes + 1}`);
    const left = (await fixture.raw(user)).filter((item) => item.moving !== undefined || item.movingTo !== undefined);
    assert.deepEqual(left, [], 'no move markers are left');
  }
  throw new Error(`the operation did not finish within ${MAX_WRITES} writes`);
}

/** Every document of the seed below /S is still somewhere: at its old path or its new one. */
async function nothingLost(store: ContextStore, user: string, to: string): Promise<void> {
  for (const [path, content] of [['/S/one', 11], ['/S/sub/two', 2], ['/S/sub/deeper/three', 3]] as const) {
    const old = await store.get(user, path);
    const moved = await store.get(user, `${to}${path.slice('/S'.length)}`);
    assert.ok(old?.content === content || moved?.content === content, `${path} is at its old or its new path`);
  }
}

describe('Cosmos ContextStore: crashes in multi-item operations', () => {
  it('a folder move cut at any write keeps every document, and moving again converges', () =>
    withContext(server, async (fixture) => {
      let markerSeen = false;
      const writes = await everyCrash(fixture, (store, user) => store.move(user, '/S', '/T/moved'), async (user) => {
        await nothingLost(fixture.store, user, '/T/moved');
        if ((await fixture.raw(user)).some((item) => item.path === '/T/moved' && item.moving === '/S') && !markerSeen) {
          markerSeen = true;
          // An unfinished move is finished by running it again, not by moving the source elsewhere.
          await assert.rejects(fixture.store.move(user, '/S', '/Elsewhere'), (error) => isKernelError(error, 'conflict'));
        }
      });
      assert.ok(markerSeen, 'some crash left an unfinished move behind');
      assert.ok(writes > 10, `a folder move takes many writes (${writes})`);
    }));

  it('a document move (rename) cut at any write converges too', () =>
    withContext(server, async (fixture) => {
      await everyCrash(fixture, (store, user) => store.move(user, '/S/one', '/S/sub/renamed'), async (user) => {
        const old = await fixture.store.get(user, '/S/one');
        const renamed = await fixture.store.get(user, '/S/sub/renamed');
        assert.ok(old?.content === 11 || renamed?.content === 11, 'the document is at one of its paths');
      });
    }));

  it('a recursive delete cut at any write leaves a smaller tree, and deleting again removes the rest', () =>
    withContext(server, async (fixture) => {
      await everyCrash(fixture, (store, user) => store.delete(user, '/S', { recursive: true }), async (user) => {
        assert.equal((await fixture.store.get(user, '/S'))?.kind, 'folder', 'the folder itself goes last');
      });
    }));

  it('a put cut at any write keeps the document as it was, and its history intact', () =>
    withContext(server, async (fixture) => {
      await everyCrash(fixture, (store, user) => store.put(user, '/S/one', json(111)), async (user) => {
        assert.equal((await fixture.store.get(user, '/S/one'))?.content, 11);
        assert.deepEqual((await fixture.store.versions(user, '/S/one')).map((version) => version.content), [1], 'a version item written for the current version is not listed');
      });
      await everyCrash(fixture, (store, user) => store.put(user, '/New/deep/doc', json('x')), async (user) => {
        assert.equal(await fixture.store.get(user, '/New/deep/doc'), undefined);
      });
    }));
});

describe('Cosmos ContextStore: races', () => {
  it('of two moves of one folder to different targets, exactly one happens', () =>
    withContext(server, async ({ store, raw }) => {
      await seed(store, 'alice');
      const outcomes = await Promise.allSettled([store.move('alice', '/S', '/X'), store.move('alice', '/S', '/Y')]);
      const done = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      assert.equal(done.length, 1, JSON.stringify(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'ok'))));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      assert.ok(failed && (isKernelError(failed.reason, 'conflict') || isKernelError(failed.reason, 'not_found')), String(failed?.reason));
      const items = await raw('alice');
      const roots = ['/S', '/X', '/Y'].filter((path) => items.some((item) => item.type === 'entry' && item.path === path));
      assert.equal(roots.length, 1, `one copy of the tree: ${roots.join(', ')}`);
      assert.deepEqual(orphans(items), []);
      assert.equal(items.filter((item) => item.moving !== undefined || item.movingTo !== undefined).length, 0);
    }));

  it('concurrent unconditional puts of one document all land, as consecutive versions', () =>
    withContext(server, async ({ store }) => {
      await store.put('alice', '/doc', json(0));
      await Promise.all([1, 2, 3, 4, 5].map((n) => store.put('alice', '/doc', json(n))));
      const current = await store.get('alice', '/doc');
      assert.equal(current?.version, 6);
      const versions = await store.versions('alice', '/doc');
      assert.deepEqual(versions.map((version) => version.version), [5, 4, 3]);
      const seen = new Set([current?.content, ...versions.map((version) => version.content)]);
      assert.equal(seen.size, 4, 'each kept version holds a different write');
    }));

  it('of concurrent conditional puts on one ETag, exactly one wins', () =>
    withContext(server, async ({ store }) => {
      const first = await store.put('alice', '/doc', json(0));
      const outcomes = await Promise.allSettled([1, 2, 3].map((n) => store.put('alice', '/doc', json(n), { ifMatch: first.etag })));
      assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      assert.ok(outcomes.every((outcome) => outcome.status === 'fulfilled' || isKernelError(outcome.reason, 'precondition_failed')));
      assert.equal((await store.get('alice', '/doc'))?.version, 2);
    }));
});
