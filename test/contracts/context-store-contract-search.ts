/**
 * The ContextStore contract, part four: full-text `search` — which documents match (every word,
 * whole words, any case, in the name, the text, JSON string values or metadata values), the
 * ranking, the prefix filter, the index following writes, moves and deletes, and the searcher's
 * text taken as words only: FTS syntax characters and operators mean nothing.
 * Registered by context-store-contract.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { ContextStore, SearchHit } from '../../src/kernel/ports/context.js';
import { pathsOf, rejectsWith, type ContextCapabilities, type WithContext } from './context-store-contract.js';

const text = (content: string, metadata: Record<string, unknown> = {}) => ({ content, contentType: 'text/plain', metadata });

async function seed(store: ContextStore): Promise<void> {
  await store.put('alice', '/Docs/fox-report', { content: { title: 'Quarterly report', sections: [{ body: 'The quick brown fox' }], count: 12 }, contentType: 'application/json', metadata: { owner: 'ann', tags: ['animals'] } });
  await store.put('alice', '/Docs/animals', text('A fox, another fox, and a third fox ran past the dog.'));
  await store.put('alice', '/Docs/dogs', text('Dogs and cats. The dog sleeps.'));
  await store.put('alice', '/Notes/fox', text('brief'));
  await store.put('alice', '/Notes/misc', { content: { fox: 'the key is not indexed' }, contentType: 'application/json' });
  await store.put('alice', '/Other/syntax', text('He said "alpha" AND beta OR gamma NEAR delta: (epsilon) -zeta * end'));
  await store.makeFolder('alice', '/Foxes');
}

const sorted = (hits: SearchHit[]): string[] => pathsOf(hits.map((hit) => hit.entry)).sort();

export function contextSearchContract(adapter: string, withContext: WithContext, can: ContextCapabilities): void {
  describe(`ContextStore contract, search: ${adapter}`, () => {
    const withSeed = (test: (find: (words: string, prefix?: string) => Promise<string[]>, store: ContextStore) => Promise<void>) =>
      withContext(async (store) => {
        await seed(store);
        await test(async (words, prefix) => sorted(await store.search('alice', words, { limit: 50, ...(prefix !== undefined && { prefix }) })), store);
      });

    it('finds documents having every word, in the name, the text, JSON string values or metadata values', () =>
      withSeed(async (find, store) => {
        assert.deepEqual(await find('fox'), ['/Docs/animals', '/Docs/fox-report', '/Notes/fox']);
        assert.deepEqual(await find('FOX'), await find('fox'), 'any case');
        assert.deepEqual(await find('ann'), ['/Docs/fox-report'], 'a metadata value');
        assert.deepEqual(await find('animals'), ['/Docs/animals', '/Docs/fox-report'], 'a name and a metadata array element');
        assert.deepEqual(await find('fox dog'), ['/Docs/animals'], 'every word must be there');
        assert.deepEqual(await find('quarterly brown'), ['/Docs/fox-report'], 'string values anywhere in the JSON');
        assert.deepEqual(await find('do'), [], 'whole words only');
        assert.deepEqual(await find('foxes'), [], 'folders are not searched');
        const [hit] = await store.search('alice', 'ann', { limit: 5 });
        const { content, ...summary } = (await store.get('alice', '/Docs/fox-report'))!;
        assert.ok(content);
        assert.deepEqual(hit?.entry, summary);
        assert.equal(typeof hit?.score, 'number');
      }));

    it('ranks a document named after the word first, then by how often the word occurs', async (t) => {
      if (!can.searchRanking) {
        t.skip('this adapter does not rank hits');
        return;
      }
      await withContext(async (store) => {
        await seed(store);
        // Same number of words in each, so only where and how often "fox" occurs differs.
        await store.put('alice', '/Rank/other', text('a note about a fox'));
        await store.put('alice', '/Rank/many', text('fox fox fox note about'));
        await store.put('alice', '/Rank/fox', text('a note about a fox'));
        const hits = await store.search('alice', 'fox', { prefix: '/Rank', limit: 10 });
        assert.deepEqual(pathsOf(hits.map((hit) => hit.entry)), ['/Rank/fox', '/Rank/many', '/Rank/other']);
        assert.ok(hits[0]!.score > hits[1]!.score && hits[1]!.score > hits[2]!.score, 'higher is better');
        assert.deepEqual(pathsOf((await store.search('alice', 'fox', { prefix: '/Rank', limit: 2 })).map((hit) => hit.entry)), ['/Rank/fox', '/Rank/many']);
      });
    });

    it('keeps to the prefix folder and the limit', () =>
      withSeed(async (find, store) => {
        assert.deepEqual(await find('fox', '/Notes'), ['/Notes/fox']);
        assert.deepEqual(await find('fox', '/Doc'), [], 'a prefix is a folder, not a string prefix');
        assert.deepEqual(await find('fox', '/Docs/animals'), ['/Docs/animals']);
        assert.equal((await store.search('alice', 'fox', { limit: 2 })).length, 2);
        await assert.rejects(store.search('alice', 'fox', { limit: 0 }), rejectsWith('invalid_input'));
        await assert.rejects(store.search('alice', 'fox', { prefix: 'Docs', limit: 5 }), rejectsWith('invalid_input'));
      }));

    it("takes the searcher's text as words: quotes, *, NEAR, OR, -, : and parentheses are not syntax", () =>
      withSeed(async (find) => {
        const syntax = ['/Other/syntax'];
        for (const words of ['"alpha"', 'alpha*', 'NEAR(alpha delta)', 'gamma OR', 'beta AND', '-zeta', 'said: (epsilon)', '"alpha" "beta', 'NEAR/delta', '^alpha', 'end +beta']) {
          assert.deepEqual(await find(words), syntax, words);
        }
        assert.deepEqual(await find('gamma OR nothing'), [], 'OR is a word that must be there, and so is "nothing"');
        assert.deepEqual(await find('-alpha fox'), [], 'a minus excludes nothing');
        assert.deepEqual(await find('title:quarterly'), [], '"title" is a JSON key, not a column filter, and keys are not indexed');
        assert.deepEqual(await find('body : fox'), [], 'no column filters');
        assert.deepEqual(await find('* fox *'), ['/Docs/animals', '/Docs/fox-report', '/Notes/fox']);
      }));

    it('refuses text without words', () =>
      withSeed(async (_find, store) => {
        for (const words of ['', '   ', '*', '"', '()', '-', ':', '"" * -']) {
          await assert.rejects(store.search('alice', words, { limit: 5 }), rejectsWith('invalid_input'), JSON.stringify(words));
        }
        await assert.rejects(store.search('alice', 'x'.repeat(2000), { limit: 5 }), rejectsWith('invalid_input'), 'too long');
      }));

    it('follows writes, moves and deletes', () =>
      withSeed(async (find, store) => {
        await store.put('alice', '/Docs/dogs', text('Now about wolves.'));
        assert.deepEqual(await find('cats'), [], 'the old text is gone from the index');
        assert.deepEqual(await find('wolves'), ['/Docs/dogs']);
        await store.move('alice', '/Docs/dogs', '/Archive/canines');
        assert.deepEqual(await find('wolves'), ['/Archive/canines']);
        assert.deepEqual(await find('canines'), ['/Archive/canines'], 'the new name is indexed');
        assert.deepEqual(await find('dogs'), [], 'the old name is not');
        await store.move('alice', '/Notes', '/Kept/Notes');
        assert.deepEqual(await find('fox', '/Kept'), ['/Kept/Notes/fox']);
        await store.restore('alice', '/Archive/canines', 1);
        assert.deepEqual(await find('cats'), ['/Archive/canines'], 'a restored version is indexed');
        await store.delete('alice', '/Docs', { recursive: true });
        assert.deepEqual(await find('fox'), ['/Kept/Notes/fox']);
        await store.delete('alice', '/Kept/Notes/fox');
        assert.deepEqual(await find('fox'), []);
      }));

    it('gives a snippet around the match', async (t) => {
      if (!can.searchSnippets) {
        t.skip('this adapter gives no snippets');
        return;
      }
      await withContext(async (store) => {
        const filler = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
        await store.put('alice', '/long', text(`${filler} the Zebra crossed ${filler}`));
        const [hit] = await store.search('alice', 'zebra', { limit: 1 });
        assert.equal(hit?.entry.path, '/long');
        assert.ok(hit.snippet?.includes('Zebra'), hit.snippet);
        assert.ok(hit.snippet!.length < 200, 'an excerpt, not the whole text');
      });
    });
  });
}
