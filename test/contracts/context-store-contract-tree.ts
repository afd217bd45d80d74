/**
 * The ContextStore contract, part two: deleting (recursively), listing by name in pages, moving
 * a document or a whole subtree, versions (pruning, restore) and isolation between users.
 * Registered by context-store-contract.ts, which holds the harness.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { ContextStore } from '../../src/kernel/ports/context.js';
import { CONTRACT_LIMITS, T0, pathsOf, rejectsWith, type WithContext } from './context-store-contract.js';

const json = (content: unknown, metadata: Record<string, unknown> = {}) => ({ content, contentType: 'application/json', metadata });

async function seedTree(store: ContextStore, user = 'alice'): Promise<void> {
  await store.put(user, '/A/one', json(1));
  await store.put(user, '/A/sub/two', json(2));
  await store.put(user, '/A/sub/deeper/three', json(3));
  await store.makeFolder(user, '/A/empty');
  await store.put(user, '/AB', json('sibling with A as a prefix'));
  await store.put(user, '/A-b/x', json('a sibling sorting between /A and /A/'));
}

export function contextTreeContract(adapter: string, withContext: WithContext): void {
  describe(`ContextStore contract, tree: ${adapter}`, () => {
    it('deletes a document or an empty folder; a non-empty folder only recursively, with everything below it', () =>
      withContext(async (store) => {
        await seedTree(store);
        assert.equal(await store.delete('alice', '/A/one'), 1);
        assert.equal(await store.get('alice', '/A/one'), undefined);
        await assert.rejects(store.delete('alice', '/A/one'), rejectsWith('not_found'));
        assert.equal(await store.delete('alice', '/A/empty'), 1);
        await assert.rejects(store.delete('alice', '/A'), rejectsWith('conflict'));
        await assert.rejects(store.delete('alice', '/A/sub', { recursive: false }), rejectsWith('conflict'));
        assert.equal((await store.get('alice', '/A/sub/two'))?.content, 2, 'a refused delete removes nothing');
        assert.equal(await store.delete('alice', '/A', { recursive: true }), 5, '/A, /A/sub, two, deeper, three');
        for (const path of ['/A', '/A/sub', '/A/sub/two', '/A/sub/deeper/three']) assert.equal(await store.get('alice', path), undefined, path);
        assert.deepEqual(pathsOf((await store.list('alice', '/', { limit: 10 })).entries), ['/A-b', '/AB'], 'siblings sharing the prefix stay');
        await assert.rejects(store.delete('alice', '/', { recursive: true }), rejectsWith('invalid_input'));
      }));

    it('delete honours ifMatch, and a deleted path starts afresh', () =>
      withContext(async (store) => {
        const first = await store.put('alice', '/doc', json(1));
        const second = await store.put('alice', '/doc', json(2));
        await assert.rejects(store.delete('alice', '/doc', { ifMatch: first.etag }), rejectsWith('precondition_failed'));
        assert.equal(await store.delete('alice', '/doc', { ifMatch: second.etag }), 1);
        const again = await store.put('alice', '/doc', json(3));
        assert.equal(again.version, 1);
        assert.deepEqual(await store.versions('alice', '/doc'), [], 'the old history went with the document');
      }));

    it('lists the direct children of a folder by name, in pages', () =>
      withContext(async (store) => {
        const names = ['b', 'a', 'B', 'é', 'a b', 'a-b', 'z', '10', '9'];
        for (const name of names) await store.put('alice', `/list/${name}`, json(name));
        await assert.rejects(store.put('alice', '/list/a/grandchild', json(0)), rejectsWith('conflict'));
        await store.put('alice', '/list/folder/grandchild', json(0));
        const expected = ['10', '9', 'B', 'a', 'a b', 'a-b', 'b', 'folder', 'z', 'é']; // code point order
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 10; page += 1) {
          const result = await store.list('alice', '/list', { limit: 3, ...(cursor !== undefined && { cursor }) });
          seen.push(...result.entries.map((entry) => entry.path.slice('/list/'.length)));
          assert.ok(result.entries.every((entry) => !('content' in entry)), 'listings carry no content');
          if (result.next === undefined) break;
          assert.equal(result.next, seen.at(-1));
          cursor = result.next;
        }
        assert.deepEqual(seen, expected);
        const exact = await store.list('alice', '/list', { limit: expected.length });
        assert.equal(exact.next, undefined, 'no next page when the page ends the folder');
        const folder = exact.entries.find((entry) => entry.path === '/list/folder');
        assert.equal(folder?.kind, 'folder');
        await assert.rejects(store.list('alice', '/missing', { limit: 3 }), rejectsWith('not_found'));
        await assert.rejects(store.list('alice', '/list/a', { limit: 3 }), rejectsWith('conflict'));
        await assert.rejects(store.list('alice', '/list', { limit: 0 }), rejectsWith('invalid_input'));
      }));

    it('moves a folder with everything below it; documents keep their versions, every entry gets a new ETag', () =>
      withContext(async (store, clock) => {
        await seedTree(store);
        const v1 = await store.get('alice', '/A/sub/two');
        await store.put('alice', '/A/sub/two', json(22));
        const before = await store.get('alice', '/A/sub/two');
        clock.advance(1000);
        const moved = await store.move('alice', '/A', '/Archive/2025/A2');
        assert.equal(moved.path, '/Archive/2025/A2');
        assert.equal(moved.kind, 'folder');
        for (const path of ['/A', '/A/one', '/A/sub/two']) assert.equal(await store.get('alice', path), undefined, `${path} is gone`);
        assert.equal((await store.get('alice', '/Archive/2025'))?.kind, 'folder', 'missing parents of the target are created');
        assert.deepEqual(pathsOf((await store.list('alice', '/Archive/2025/A2', { limit: 10 })).entries), ['/Archive/2025/A2/empty', '/Archive/2025/A2/one', '/Archive/2025/A2/sub']);
        const after = await store.get('alice', '/Archive/2025/A2/sub/two');
        assert.deepEqual({ ...after, etag: '', path: '' }, { ...before, etag: '', path: '' }, 'content, version and times are kept');
        assert.notEqual(after?.etag, before?.etag);
        assert.equal((await store.get('alice', '/Archive/2025/A2/sub/deeper/three'))?.content, 3);
        assert.deepEqual((await store.versions('alice', '/Archive/2025/A2/sub/two')).map((v) => [v.version, v.content]), [[1, 2]]);
        assert.equal((await store.versions('alice', '/Archive/2025/A2/sub/two'))[0]?.etag, v1?.etag);
        assert.equal((await store.get('alice', '/AB'))?.content, 'sibling with A as a prefix', 'a sibling sharing the prefix is not moved');
        assert.deepEqual(pathsOf((await store.list('alice', '/', { limit: 10 })).entries), ['/A-b', '/AB', '/Archive']);
        const renamed = await store.move('alice', '/AB', '/Archive/AB-renamed', { ifMatch: (await store.get('alice', '/AB'))!.etag });
        assert.equal(renamed.content, 'sibling with A as a prefix');
        assert.equal(renamed.kind, 'document');
      }));

    it('refuses a move onto an existing entry, into itself, from a missing path or past a stale ETag, changing nothing', () =>
      withContext(async (store) => {
        await seedTree(store);
        const doc = await store.get('alice', '/A/one');
        await assert.rejects(store.move('alice', '/A/one', '/AB'), rejectsWith('conflict'), 'onto a document');
        await assert.rejects(store.move('alice', '/A/one', '/A/sub'), rejectsWith('conflict'), 'onto a folder');
        await assert.rejects(store.move('alice', '/A/one', '/AB/below'), rejectsWith('conflict'), 'below a document');
        await assert.rejects(store.move('alice', '/A', '/A/sub/inside'), rejectsWith('invalid_input'), 'into itself');
        await assert.rejects(store.move('alice', '/A', '/A'), rejectsWith('invalid_input'), 'onto itself');
        await assert.rejects(store.move('alice', '/', '/root'), rejectsWith('invalid_input'), 'the root');
        await assert.rejects(store.move('alice', '/missing', '/elsewhere'), rejectsWith('not_found'));
        await assert.rejects(store.move('alice', '/A/one', '/B/one', { ifMatch: 'stale' }), rejectsWith('precondition_failed'));
        assert.deepEqual(await store.get('alice', '/A/one'), doc);
        assert.equal(await store.get('alice', '/B'), undefined, 'no parent was made for a refused move');
        assert.equal(await store.get('alice', '/A/sub/inside'), undefined);
      }));

    it(`keeps the last ${CONTRACT_LIMITS.versionsKept} earlier versions, newest first, and restores one as a new version`, () =>
      withContext(async (store, clock) => {
        const written = [];
        for (let n = 1; n <= 6; n += 1) {
          written.push(await store.put('alice', '/doc', { content: { n }, contentType: 'application/json', metadata: { n } }));
          clock.advance(1000);
        }
        const versions = await store.versions('alice', '/doc');
        assert.deepEqual(versions.map((v) => v.version), [5, 4, 3]);
        const four = written[3]!;
        assert.deepEqual(versions[1], { version: 4, etag: four.etag, contentType: 'application/json', metadata: { n: 4 }, size: four.size, updatedAt: four.updatedAt, content: { n: 4 } });
        await assert.rejects(store.restore('alice', '/doc', 4, { ifMatch: four.etag }), rejectsWith('precondition_failed'));
        const restored = await store.restore('alice', '/doc', 4, { ifMatch: written[5]!.etag });
        assert.equal(restored.version, 7);
        assert.deepEqual([restored.content, restored.metadata], [{ n: 4 }, { n: 4 }]);
        assert.notEqual(restored.etag, four.etag);
        assert.equal(restored.updatedAt, clock.now().toISOString());
        assert.equal(restored.createdAt, T0);
        assert.deepEqual((await store.versions('alice', '/doc')).map((v) => [v.version, v.content]), [[6, { n: 6 }], [5, { n: 5 }], [4, { n: 4 }]]);
        await assert.rejects(store.restore('alice', '/doc', 1), rejectsWith('not_found'), 'pruned');
        await assert.rejects(store.restore('alice', '/doc', 0), rejectsWith('invalid_input'));
        await assert.rejects(store.versions('alice', '/missing'), rejectsWith('not_found'));
        await assert.rejects(store.restore('alice', '/missing', 1), rejectsWith('not_found'));
        await store.makeFolder('alice', '/folder');
        assert.deepEqual(await store.versions('alice', '/folder'), []);
        await assert.rejects(store.restore('alice', '/folder', 1), rejectsWith('conflict'));
      }));

    it("never shows or changes another user's entries", () =>
      withContext(async (store) => {
        await seedTree(store, 'alice');
        await store.put('alice', '/A/one', json('alice again', { priority: 'high' }));
        const bob = 'bob@example.com';
        assert.equal(await store.get(bob, '/A/one'), undefined);
        assert.deepEqual(await store.list(bob, '/', { limit: 10 }), { entries: [] });
        await assert.rejects(store.list(bob, '/A', { limit: 10 }), rejectsWith('not_found'));
        await assert.rejects(store.versions(bob, '/A/one'), rejectsWith('not_found'));
        await assert.rejects(store.restore(bob, '/A/one', 1), rejectsWith('not_found'));
        await assert.rejects(store.delete(bob, '/A', { recursive: true }), rejectsWith('not_found'));
        await assert.rejects(store.move(bob, '/A', '/B'), rejectsWith('not_found'));
        assert.deepEqual(await store.query(bob, { prefix: '/', orderBy: [], limit: 100, kinds: ['document', 'folder'] }), []);
        assert.deepEqual(await store.search(bob, 'alice', { limit: 10 }), []);
        const own = await store.put(bob, '/A/one', json('bob'));
        assert.equal(own.version, 1, "bob's document is his own, not a new version of alice's");
        await store.delete(bob, '/A', { recursive: true });
        assert.equal((await store.get('alice', '/A/one'))?.content, 'alice again');
        assert.deepEqual((await store.versions('alice', '/A/one')).map((v) => v.content), [1]);
      }));
  });
}
