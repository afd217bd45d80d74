/**
 * The ContextStore contract, part three: `query` — the seed's example, every operator with its
 * typed semantics (src/kernel/context/match.ts), and/or/not, built-in fields, ordering with the
 * path tiebreak, limits, kinds and the refusals. Registered by context-store-contract.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { contextQuerySchema, type Condition, type ContextQuery, type ContextQueryInput } from '../../src/kernel/context/query.js';
import type { ContextStore } from '../../src/kernel/ports/context.js';
import type { TestClock } from '../helpers/kernel-fixture.js';
import { T0, pathsOf, rejectsWith, type WithContext } from './context-store-contract.js';

const MINUTE = 60_000;

/** Written one minute apart, in this order; /Projects/Alpha/plan is written again last. */
const SEED: Array<[string, string, unknown, Record<string, unknown>]> = [
  ['/Projects/Alpha/status', 'application/json', { text: 'on track' }, { priority: 'high', status: 'open', owner: { team: 'core', name: 'ann' }, tags: ['urgent', 'q1'], points: 5, done: false }],
  ['/Projects/Alpha/plan', 'application/json', { steps: [1, 2] }, { priority: 'low', status: 'open', tags: ['q2'], points: 3, done: true }],
  ['/Projects/Beta/status', 'application/json', { text: 'late' }, { priority: 'high', status: 'closed', owner: { team: 'web' }, points: 8, done: false, note: null }],
  ['/Projects/Beta/notes.md', 'text/markdown', '# Beta notes, a longer text than the others', { priority: 'medium', points: '8', tags: 'urgent-ish' }],
  ['/Projects/Gamma/status', 'application/json', { text: 'fine' }, { priority: 'high', status: 'open', points: 1.5, done: true }],
  ['/Personal/todo', 'application/json', ['milk'], { priority: 'high', status: 'open', points: 2 }],
  ['/ProjectsArchive/old', 'application/json', {}, { priority: 'high' }],
];

async function seed(store: ContextStore, clock: TestClock): Promise<void> {
  for (const [path, contentType, content, metadata] of SEED) {
    await store.put('alice', path, { content, contentType, metadata });
    clock.advance(MINUTE);
  }
  await store.put('alice', '/Projects/Alpha/plan', { content: { steps: [1, 2, 3] }, contentType: 'application/json', metadata: SEED[1]![3] });
  await store.put('bob', '/Projects/Alpha/status', { content: {}, contentType: 'application/json', metadata: { priority: 'high', points: 5 } });
}

const query = (input: ContextQueryInput): ContextQuery => contextQuerySchema.parse(input);
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * MINUTE).toISOString();

export function contextQueryContract(adapter: string, withContext: WithContext): void {
  describe(`ContextStore contract, query: ${adapter}`, () => {
    const withSeed = (test: (run: (input: ContextQueryInput) => Promise<string[]>, store: ContextStore) => Promise<void>) =>
      withContext(async (store, clock) => {
        await seed(store, clock);
        await test(async (input) => pathsOf(await store.query('alice', query(input))), store);
      });
    /** Matching paths under "/", in path order. */
    const where = (run: (input: ContextQueryInput) => Promise<string[]>, condition: Condition) => run({ where: condition, orderBy: [{ field: 'path' }] });

    it("answers the seed's example: under /Projects/, priority high, newest first, limited", () =>
      withSeed(async (run, store) => {
        const example: ContextQueryInput = { prefix: '/Projects', where: { op: 'eq', field: 'metadata.priority', value: 'high' }, orderBy: [{ field: 'updatedAt', direction: 'desc' }], limit: 2 };
        assert.deepEqual(await run(example), ['/Projects/Gamma/status', '/Projects/Beta/status']);
        assert.deepEqual(await run({ ...example, limit: 10 }), ['/Projects/Gamma/status', '/Projects/Beta/status', '/Projects/Alpha/status']);
        const [first] = await store.query('alice', query(example));
        const { content, ...summary } = (await store.get('alice', '/Projects/Gamma/status'))!;
        assert.deepEqual(content, { text: 'fine' });
        assert.deepEqual(first, summary, 'query results are summaries: everything but the content');
      }));

    it('eq, ne and in match values of the same JSON type only', () =>
      withSeed(async (run) => {
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.status', value: 'open' }), ['/Personal/todo', '/Projects/Alpha/plan', '/Projects/Alpha/status', '/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.points', value: 8 }), ['/Projects/Beta/status'], 'the number, not the string "8"');
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.points', value: '8' }), ['/Projects/Beta/notes.md']);
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.points', value: 1.5 }), ['/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.done', value: true }), ['/Projects/Alpha/plan', '/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.done', value: 1 }), [], 'true is not 1');
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.note', value: null }), ['/Projects/Beta/status'], 'null matches a stored null, not a missing key');
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.owner', value: 'core' }), [], 'an object equals no scalar');
        assert.deepEqual(await where(run, { op: 'ne', field: 'metadata.status', value: 'open' }), ['/Projects/Beta/status'], 'ne needs the field, of the same type');
        assert.deepEqual(await where(run, { op: 'ne', field: 'metadata.done', value: true }), ['/Projects/Alpha/status', '/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'in', field: 'metadata.priority', values: ['low', 'medium'] }), ['/Projects/Alpha/plan', '/Projects/Beta/notes.md']);
        assert.deepEqual(await where(run, { op: 'in', field: 'metadata.points', values: [8, '8', true] }), ['/Projects/Beta/notes.md', '/Projects/Beta/status']);
      }));

    it('lt, le, gt and ge compare numbers with numbers and strings with strings', () =>
      withSeed(async (run) => {
        assert.deepEqual(await where(run, { op: 'lt', field: 'metadata.points', value: 3 }), ['/Personal/todo', '/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'le', field: 'metadata.points', value: 3 }), ['/Personal/todo', '/Projects/Alpha/plan', '/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'gt', field: 'metadata.points', value: 5 }), ['/Projects/Beta/status'], 'not the string "8"');
        assert.deepEqual(await where(run, { op: 'ge', field: 'metadata.points', value: 5 }), ['/Projects/Alpha/status', '/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'gt', field: 'metadata.points', value: '7' }), ['/Projects/Beta/notes.md'], 'strings with strings');
        assert.deepEqual(await where(run, { op: 'gt', field: 'metadata.priority', value: 'l' }), ['/Projects/Alpha/plan', '/Projects/Beta/notes.md']);
        assert.deepEqual(await where(run, { op: 'lt', field: 'metadata.priority', value: 'H' }), [], 'case-sensitive, by code point');
        assert.deepEqual(await where(run, { op: 'ge', field: 'metadata.priority', value: 'medium' }), ['/Projects/Beta/notes.md']);
      }));

    it('contains (substring or array element), startsWith and exists', () =>
      withSeed(async (run) => {
        assert.deepEqual(await where(run, { op: 'contains', field: 'metadata.tags', value: 'urgent' }), ['/Projects/Alpha/status', '/Projects/Beta/notes.md']);
        assert.deepEqual(await where(run, { op: 'contains', field: 'metadata.tags', value: 'q' }), [], 'array elements match whole');
        assert.deepEqual(await where(run, { op: 'contains', field: 'metadata.tags', value: 'URGENT' }), [], 'case-sensitive');
        assert.deepEqual(await where(run, { op: 'contains', field: 'metadata.status', value: 'los' }), ['/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'startsWith', field: 'metadata.status', value: 'cl' }), ['/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'startsWith', field: 'metadata.tags', value: 'urg' }), ['/Projects/Beta/notes.md'], 'strings only');
        assert.deepEqual(await where(run, { op: 'exists', field: 'metadata.note' }), ['/Projects/Beta/status'], 'a null value exists');
        assert.deepEqual(await where(run, { op: 'exists', field: 'metadata.owner.name' }), ['/Projects/Alpha/status']);
        assert.deepEqual(await where(run, { op: 'eq', field: 'metadata.owner.team', value: 'web' }), ['/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'exists', field: 'metadata.tags.length' }), [], 'no properties of arrays or strings');
      }));

    it('and, or and not; not is true where its condition is false, missing fields included', () =>
      withSeed(async (run) => {
        const high: Condition = { op: 'eq', field: 'metadata.priority', value: 'high' };
        const open: Condition = { op: 'eq', field: 'metadata.status', value: 'open' };
        assert.deepEqual(await where(run, { op: 'and', conditions: [high, open, { op: 'startsWith', field: 'path', value: '/Projects/' }] }), ['/Projects/Alpha/status', '/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'or', conditions: [{ op: 'eq', field: 'metadata.priority', value: 'low' }, { op: 'eq', field: 'metadata.points', value: 8 }] }), ['/Projects/Alpha/plan', '/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'not', condition: open }), ['/Projects/Beta/notes.md', '/Projects/Beta/status', '/ProjectsArchive/old']);
        assert.deepEqual(await where(run, { op: 'not', condition: { op: 'not', condition: open } }), await where(run, open));
        assert.deepEqual(await where(run, { op: 'and', conditions: [high, { op: 'not', condition: { op: 'or', conditions: [open, { op: 'exists', field: 'metadata.owner' }] } }] }), ['/ProjectsArchive/old']);
      }));

    it('filters on built-in fields', () =>
      withSeed(async (run) => {
        assert.deepEqual(await where(run, { op: 'eq', field: 'name', value: 'status' }), ['/Projects/Alpha/status', '/Projects/Beta/status', '/Projects/Gamma/status']);
        assert.deepEqual(await where(run, { op: 'startsWith', field: 'contentType', value: 'text/' }), ['/Projects/Beta/notes.md']);
        assert.deepEqual(await where(run, { op: 'ge', field: 'version', value: 2 }), ['/Projects/Alpha/plan']);
        assert.deepEqual(await where(run, { op: 'lt', field: 'createdAt', value: at(2) }), ['/Projects/Alpha/plan', '/Projects/Alpha/status']);
        assert.deepEqual(await where(run, { op: 'gt', field: 'updatedAt', value: at(4) }), ['/Personal/todo', '/Projects/Alpha/plan', '/ProjectsArchive/old']);
        assert.deepEqual(await where(run, { op: 'lt', field: 'size', value: 3 }), ['/ProjectsArchive/old'], 'the JSON text {}');
        assert.deepEqual(await where(run, { op: 'eq', field: 'size', value: '2' }), [], 'size is a number');
        assert.deepEqual(await where(run, { op: 'contains', field: 'path', value: 'Beta' }), ['/Projects/Beta/notes.md', '/Projects/Beta/status']);
        assert.deepEqual(await where(run, { op: 'eq', field: 'kind', value: 'document' }), await where(run, { op: 'exists', field: 'path' }));
      }));

    it('orders by any field, types in a fixed order, ties by path; limit cuts the ordered list', () =>
      withSeed(async (run) => {
        const points = ['/ProjectsArchive/old', '/Projects/Gamma/status', '/Personal/todo', '/Projects/Alpha/plan', '/Projects/Alpha/status', '/Projects/Beta/status', '/Projects/Beta/notes.md'];
        assert.deepEqual(await run({ orderBy: [{ field: 'metadata.points' }] }), points, 'missing, then numbers, then strings');
        assert.deepEqual(await run({ orderBy: [{ field: 'metadata.points', direction: 'desc' }] }), [...points].reverse());
        assert.deepEqual(await run({ orderBy: [{ field: 'metadata.points', direction: 'desc' }], limit: 2 }), ['/Projects/Beta/notes.md', '/Projects/Beta/status']);
        assert.deepEqual(
          await run({ orderBy: [{ field: 'metadata.priority', direction: 'desc' }] }),
          ['/Projects/Beta/notes.md', '/Projects/Alpha/plan', '/Personal/todo', '/Projects/Alpha/status', '/Projects/Beta/status', '/Projects/Gamma/status', '/ProjectsArchive/old'],
          'ties stay in ascending path order',
        );
        assert.deepEqual(await run({ orderBy: [{ field: 'metadata.done' }], limit: 5 }), ['/Personal/todo', '/Projects/Beta/notes.md', '/ProjectsArchive/old', '/Projects/Alpha/status', '/Projects/Beta/status'], 'missing, then false');
        assert.deepEqual(
          await run({ prefix: '/Projects', orderBy: [{ field: 'metadata.priority' }, { field: 'size', direction: 'desc' }] }),
          ['/Projects/Alpha/status', '/Projects/Beta/status', '/Projects/Gamma/status', '/Projects/Alpha/plan', '/Projects/Beta/notes.md'],
          'size breaks the tie among the high ones, path the tie between two of the same size',
        );
        assert.deepEqual(await run({ orderBy: [{ field: 'name' }, { field: 'updatedAt', direction: 'desc' }] }), [
          '/Projects/Beta/notes.md', '/ProjectsArchive/old', '/Projects/Alpha/plan', '/Projects/Gamma/status', '/Projects/Beta/status', '/Projects/Alpha/status', '/Personal/todo',
        ]);
      }));

    it('keeps to the prefix folder, documents by default, folders when asked', () =>
      withSeed(async (run) => {
        assert.deepEqual(await run({ prefix: '/Projects/Alpha', orderBy: [{ field: 'path' }] }), ['/Projects/Alpha/plan', '/Projects/Alpha/status']);
        assert.deepEqual(await run({ prefix: '/Projects/Alpha/plan' }), ['/Projects/Alpha/plan'], 'a document is at or below itself');
        assert.deepEqual(await run({ prefix: '/Proj' }), [], 'a prefix is a folder, not a string prefix');
        assert.deepEqual(await run({ prefix: '/Nowhere' }), []);
        assert.deepEqual(await run({ prefix: '/Projects', kinds: ['folder'], orderBy: [{ field: 'path' }] }), ['/Projects', '/Projects/Alpha', '/Projects/Beta', '/Projects/Gamma']);
        assert.deepEqual(await run({ prefix: '/Projects/Beta', kinds: ['folder', 'document'], orderBy: [{ field: 'path' }] }), ['/Projects/Beta', '/Projects/Beta/notes.md', '/Projects/Beta/status']);
        assert.deepEqual(await run({ kinds: ['folder'], where: { op: 'exists', field: 'metadata.priority' } }), [], 'folders have empty metadata');
        assert.equal((await run({ limit: 1000 })).length, SEED.length);
      }));

    it('refuses unknown fields, bad comparisons, bad prefixes and conditions nested too deep', () =>
      withSeed(async (_run, store) => {
        const invalid = rejectsWith('invalid_input');
        const raw = (where: unknown, more: Record<string, unknown> = {}) => ({ prefix: '/', where, orderBy: [], limit: 10, kinds: ['document'], ...more }) as ContextQuery;
        await assert.rejects(store.query('alice', raw({ op: 'eq', field: 'content', value: 1 })), invalid, 'not a field');
        await assert.rejects(store.query('alice', raw({ op: 'eq', field: 'metadata.a-b', value: 1 })), invalid, 'not an identifier');
        await assert.rejects(store.query('alice', raw({ op: 'eq', field: "metadata.x') OR 1=1 --", value: 1 })), invalid);
        await assert.rejects(store.query('alice', raw({ op: 'lt', field: 'metadata.done', value: true })), invalid, 'ordering a boolean');
        await assert.rejects(store.query('alice', raw({ op: 'regex', field: 'name', value: '.*' })), invalid, 'unknown operator');
        await assert.rejects(store.query('alice', raw(undefined, { orderBy: [{ field: 'metadata', direction: 'asc' }] })), invalid);
        await assert.rejects(store.query('alice', raw(undefined, { prefix: 'Projects' })), invalid, 'relative prefix');
        await assert.rejects(store.query('alice', raw(undefined, { limit: 0 })), invalid);
        let deep: Condition = { op: 'exists', field: 'metadata.priority' };
        for (let level = 0; level < 8; level += 1) deep = level % 2 === 0 ? { op: 'not', condition: deep } : { op: 'and', conditions: [deep] };
        assert.equal((await store.query('alice', raw(deep))).length, SEED.length, 'eight levels are fine (an even number of nots)');
        await assert.rejects(store.query('alice', raw({ op: 'not', condition: deep })), invalid, 'nine are not');
        const wide: Condition = { op: 'or', conditions: Array.from({ length: 50 }, () => ({ op: 'and', conditions: Array.from({ length: 10 }, () => ({ op: 'exists', field: 'name' })) })) };
        await assert.rejects(store.query('alice', raw(wide)), invalid, 'too many parts');
      }));
  });
}
