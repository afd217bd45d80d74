/**
 * How the Cosmos ContextStore lays entries out as items (ids, fields, version items, search text)
 * and what its search computes, checked on the protocol server beyond the shared contract.
 *
 * Not provable here: Cosmos's 2 MB item limit (the protocol server stores anything; a 413 would
 * reach callers as payload_too_large), the indexing policy's effect, and Cosmos's own full-text
 * search (FullTextContains/FullTextScore), which the protocol server does not implement.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CosmosContextStore } from '../../src/adapters/azure/cosmos-context-store.js';
import { entryId, versionId } from '../../src/adapters/azure/cosmos-context-documents.js';
import { MAX_TEXT_BYTES, searchFields } from '../../src/adapters/azure/cosmos-context-search.js';
import { MemoryContextStore } from '../../src/adapters/memory/context-store.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { LIMITS, withContext } from './cosmos-context-harness.js';

let server: CosmosTestServer;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

const FORBIDDEN = /[/\\?#]/;

describe('Cosmos context item ids', () => {
  it('are the base64url of the path when short enough, reversibly, and never hold / \\ ? #', () => {
    const path = '/Projects/Alpha/status?#\\ é😀';
    const id = entryId(path);
    assert.ok(id.startsWith('p:') && !FORBIDDEN.test(id));
    assert.equal(Buffer.from(id.slice(2), 'base64url').toString('utf8'), path);
    assert.notEqual(entryId('/a'), entryId('/A'), 'case is significant');
  });

  it('are a hash for long paths, within the 255-character limit, and version ids never equal an entry id', () => {
    const long = `/${'é'.repeat(120)}/${'x'.repeat(250)}/${'y'.repeat(250)}`;
    const id = entryId(long);
    assert.ok(id.startsWith('h:') && id.length <= 255 && !FORBIDDEN.test(id), id);
    assert.notEqual(entryId(`${long}z`), id);
    assert.equal(versionId('/a', 3), `${entryId('/a')}:v3`);
    assert.ok(versionId(long, 10).length <= 255);
    assert.equal(entryId('/a').split(':').length, 2, 'entry ids have one colon, version ids two');
  });

  it('round-trip a path of 1,000 bytes through put, list, versions and move', () =>
    withContext(server, async ({ store }) => {
      const folder = `/${'a'.repeat(250)}/${'b'.repeat(250)}/${'c'.repeat(250)}`;
      const path = `${folder}/${'d'.repeat(240)}`;
      await store.put('alice', path, { content: 1, contentType: 'application/json' });
      await store.put('alice', path, { content: 2, contentType: 'application/json' });
      assert.equal((await store.get('alice', path))?.content, 2);
      assert.deepEqual((await store.list('alice', folder, { limit: 5 })).entries.map((entry) => entry.path), [path]);
      assert.deepEqual((await store.versions('alice', path)).map((version) => version.content), [1]);
      const moved = await store.move('alice', path, `${folder}/${'e'.repeat(240)}`);
      assert.deepEqual((await store.versions('alice', moved.path)).map((version) => version.content), [1]);
    }));
});

describe('Cosmos context item layout', () => {
  it('stores an entry with its address fields and JSON content as JSON, and each earlier version as its own item', () =>
    withContext(server, async ({ store, raw }) => {
      const first = await store.put('alice', '/Notes/today', { content: { text: 'Buy milk' }, contentType: 'application/json', metadata: { tag: 'Home' } });
      await store.put('alice', '/Notes/today', { content: { text: 'Buy bread' }, contentType: 'application/json' });
      const items = await raw('alice');
      const entry = items.find((item) => item.id === entryId('/Notes/today'));
      assert.ok(entry);
      assert.deepEqual(
        { type: entry.type, path: entry.path, parent: entry.parent, name: entry.name, depth: entry.depth, kind: entry.kind, content: entry.content, version: entry.version },
        { type: 'entry', path: '/Notes/today', parent: '/Notes', name: 'today', depth: 2, kind: 'document', content: { text: 'Buy bread' }, version: 2 },
      );
      assert.equal(entry.text, ' today |  | buy bread ', 'folded words: name | metadata | body');
      assert.equal(entry.words, 3);
      const version = items.find((item) => item.type === 'version');
      assert.equal(version?.id, versionId('/Notes/today', 1));
      assert.equal(version?.etag, first.etag, "the entry's ETag at that version");
      assert.equal(version?.lineage, entry.lineage);
      assert.deepEqual(version?.content, { text: 'Buy milk' });
      assert.equal(version?.text, undefined, 'versions are not searched');
      const folder = items.find((item) => item.path === '/Notes');
      assert.deepEqual([folder?.kind, folder?.content, folder?.text], ['folder', null, undefined]);
    }));

  it('keeps at most MAX_TEXT_BYTES of search text, cut between words, and counts every word', () => {
    const body = Array.from({ length: 60_000 }, (_, i) => `w${i}`).join(' ');
    const { text, words } = searchFields('big', body, false, {});
    assert.ok(Buffer.byteLength(text, 'utf8') <= MAX_TEXT_BYTES);
    assert.ok(text.startsWith(' big |  | w0 w1 ') && text.endsWith(' '));
    assert.match(text.trimEnd().split(' ').at(-1) ?? '', /^w\d+$/, 'the last word is whole');
    assert.equal(words, 60_001);
  });
});

describe('Cosmos context search', () => {
  it('scores and cuts snippets exactly as the memory store does', () =>
    withContext(server, async ({ store, clock }) => {
      const memory = new MemoryContextStore({ clock, limits: LIMITS });
      const writes: Array<[string, string, Record<string, unknown>]> = [
        ['/fox', 'A note about a fox', {}],
        ['/many', 'fox fox fox, note about the Fox', { topic: 'foxes' }],
        ['/other', 'Café notes: the quick brown fox jumps over the lazy dog', { owner: 'Zoë' }],
        ['/dog', 'only a dog here', {}],
      ];
      for (const [path, content, metadata] of writes) {
        await store.put('alice', path, { content, contentType: 'text/plain', metadata });
        await memory.put('alice', path, { content, contentType: 'text/plain', metadata });
      }
      for (const words of ['fox', 'FOX note', 'cafe', 'zoe', 'dog']) {
        const expected = await memory.search('alice', words, { limit: 10 });
        const actual = await store.search('alice', words, { limit: 10 });
        assert.deepEqual(actual.map((hit) => [hit.entry.path, hit.snippet]), expected.map((hit) => [hit.entry.path, hit.snippet]), words);
        actual.forEach((hit, index) => assert.ok(Math.abs(hit.score - expected[index]!.score) < 1e-9, `${words}: ${hit.score} vs ${expected[index]!.score}`));
      }
    }));

  it('ranks at most `searchCandidates` matching documents (in path order): the documented cap', () =>
    withContext(server, async ({ store, container, clock }) => {
      for (const name of ['a', 'b', 'c']) await store.put('alice', `/${name}`, { content: 'fox', contentType: 'text/plain' });
      const capped = new CosmosContextStore(container, { clock, limits: LIMITS, searchCandidates: 2 });
      assert.deepEqual((await capped.search('alice', 'fox', { limit: 10 })).map((hit) => hit.entry.path).sort(), ['/a', '/b']);
      assert.equal((await store.search('alice', 'fox', { limit: 10 })).length, 3);
    }));
});
