/**
 * The context query compiler for Cosmos DB: what the SQL text may contain (fixed fragments and
 * parameter names only; names from FIELD_PATH in ORDER BY), its shape (flat enough for the
 * protocol server's parser), and — on the protocol server — that random conditions and orderings
 * select and order exactly what the memory store (match.ts) does.
 *
 * Not provable here: that real Cosmos orders strings by code point as match.ts does (only
 * supplementary characters against U+E000-U+FFFF can differ), and RU costs.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ParameterList, compileCondition, compileSortField, compileTypeClass } from '../../src/adapters/azure/cosmos-context-query.js';
import { MemoryContextStore } from '../../src/adapters/memory/context-store.js';
import { contextQuerySchema, type Condition, type ContextQuery } from '../../src/kernel/context/query.js';
import { isKernelError } from '../../src/kernel/errors.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { LIMITS, withContext } from './cosmos-context-harness.js';

const invalid = (error: unknown): boolean => isKernelError(error, 'invalid_input');

function compiled(condition: Condition): { sql: string; values: unknown[] } {
  const parameters = new ParameterList();
  const sql = compileCondition(condition, parameters);
  return { sql, values: parameters.parameters.map((parameter) => parameter.value) };
}

/** The deepest nesting of parentheses (grouping or call) in `sql`. */
function nesting(sql: string): number {
  let depth = 0;
  let deepest = 0;
  for (const char of sql) {
    if (char === '(') deepest = Math.max(deepest, (depth += 1));
    if (char === ')') depth -= 1;
  }
  return deepest;
}

describe('Cosmos context query compiler', () => {
  it('sends every value, and every metadata name, as a parameter', () => {
    const hostile = `x" OR 1=1 --'`;
    const { sql, values } = compiled({
      op: 'and',
      conditions: [
        { op: 'eq', field: 'metadata.owner', value: hostile },
        { op: 'in', field: 'metadata.tags', values: [hostile, 7, null] },
        { op: 'contains', field: 'path', value: hostile },
        { op: 'not', condition: { op: 'startsWith', field: 'metadata.a.b', value: hostile } },
      ],
    });
    assert.ok(!sql.includes(hostile) && !sql.includes('owner') && !sql.includes('tags') && !/"/.test(sql), sql);
    assert.deepEqual(sql.match(/@p\d+/g)?.every((name) => /^@p\d+$/.test(name)), true);
    assert.ok(values.includes(hostile) && values.includes('owner') && values.includes('b'));
    assert.deepEqual(values.find(Array.isArray), [hostile, 7, null]);
  });

  it('writes ORDER BY accessors only from FIELD_PATH identifiers, and refuses anything else', () => {
    assert.equal(compileSortField('updatedAt'), 'c.updatedAt');
    assert.equal(compileSortField('metadata.project.owner_1'), 'c.metadata["project"]["owner_1"]');
    for (const field of ['metadata', 'metadata.a-b', 'metadata.x"]) OR 1=1 --', 'content', 'metadata.a.b.c.d.e.f.g.h.i']) {
      assert.throws(() => compileSortField(field), invalid, field);
      assert.throws(() => compiled({ op: 'exists', field }), invalid, field);
    }
    assert.throws(() => compiled({ op: 'lt', field: 'size', value: true }), invalid, 'ordering a boolean');
  });

  it('pushes not down to the leaves: nesting follows and/or alternations, not the depth of the AST', () => {
    let deep: Condition = { op: 'eq', field: 'metadata.status', value: 'open' };
    for (let level = 0; level < 8; level += 1) deep = level % 2 === 0 ? { op: 'not', condition: deep } : { op: 'and', conditions: [deep] };
    assert.ok(nesting(compiled(deep).sql) <= 1, compiled(deep).sql);
    const leaf: Condition = { op: 'eq', field: 'metadata.a', value: 1 };
    const alternating: Condition = { op: 'and', conditions: [leaf, { op: 'or', conditions: [leaf, { op: 'and', conditions: [leaf, { op: 'or', conditions: [leaf, leaf] }] }] }] };
    // Two ORs inside ANDs: two levels of grouping, plus the calls inside a leaf.
    assert.ok(nesting(compiled(alternating).sql) <= 3, compiled(alternating).sql);
    assert.equal(compiled({ op: 'not', condition: { op: 'not', condition: leaf } }).sql, compiled(leaf).sql);
    assert.throws(() => compiled({ op: 'not', condition: deep }), invalid, 'nine levels');
  });

  it('guards every step of a nested metadata field, and every type class', () => {
    const { sql } = compiled({ op: 'exists', field: 'metadata.a.b.c' });
    assert.equal(sql, 'IS_OBJECT(c.metadata[@p0]) AND IS_OBJECT(c.metadata[@p0][@p1]) AND IS_DEFINED(c.metadata[@p0][@p1][@p2])');
    assert.equal(compileTypeClass('metadata.a.b', 'missing', new ParameterList()), '(NOT IS_OBJECT(c.metadata[@p0]) OR NOT IS_DEFINED(c.metadata[@p0][@p1]))');
    assert.equal(compileTypeClass('metadata.a', 'complex', new ParameterList()), '(IS_ARRAY(c.metadata[@p0]) OR IS_OBJECT(c.metadata[@p0]))');
  });
});

/** A small seeded generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VALUES: unknown[] = [undefined, null, true, false, -1, 0, 1.5, 2, '', 'a', 'ab', 'B', 'b', ['a', 'b'], ['q'], { x: 1 }, { x: 'a' }];
const SCALARS = [null, true, false, -1, 0, 1.5, 2, '', 'a', 'ab', 'B', 'b', 'x'];
const FIELDS = ['metadata.a', 'metadata.b', 'metadata.n.x', 'size', 'name', 'version'];

function generate(next: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const metadata = (): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    for (const key of ['a', 'b']) {
      const value = pick(VALUES);
      if (value !== undefined) result[key] = value;
    }
    const nested = pick([undefined, { x: pick(VALUES) }, ['x'], 'x']);
    if (nested !== undefined) result.n = nested;
    return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  };
  const condition = (depth: number): Condition => {
    const field = pick(FIELDS);
    const roll = next();
    if (depth < 3 && roll < 0.3) {
      const conditions = Array.from({ length: 1 + Math.floor(next() * 3) }, () => condition(depth + 1));
      return { op: pick(['and', 'or'] as const), conditions };
    }
    if (depth < 3 && roll < 0.4) return { op: 'not', condition: condition(depth + 1) };
    const op = pick(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'contains', 'startsWith', 'exists'] as const);
    if (op === 'in') return { op, field, values: [pick(SCALARS), pick(SCALARS)] };
    if (op === 'contains' || op === 'startsWith') return { op, field, value: pick(['a', 'b', '', 'q', 'x']) };
    if (op === 'exists') return { op, field };
    if (op === 'eq' || op === 'ne') return { op, field, value: pick(SCALARS) };
    return { op, field, value: pick([-1, 0, 1.5, 2, 'a', 'ab', 'b', 'B', '']) };
  };
  const query = (): ContextQuery =>
    contextQuerySchema.parse({
      prefix: pick(['/', '/r', '/r/s']),
      ...(next() < 0.8 && { where: condition(0) }),
      orderBy: Array.from({ length: Math.floor(next() * 3) }, () => ({ field: pick(FIELDS), direction: pick(['asc', 'desc'] as const) })),
      limit: pick([1, 3, 7, 100]),
      kinds: pick([['document'], ['document', 'folder']]),
    });
  return { metadata, query };
}

let server: CosmosTestServer;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

describe('Cosmos context queries against the memory store', () => {
  it('select and order what match.ts selects and orders, for random conditions, orderings and limits', () =>
    withContext(server, async ({ store }) => {
      const next = random(20260301);
      const { metadata, query } = generate(next);
      const memory = new MemoryContextStore({ clock: new TestClock(new Date('2026-03-01T09:00:00.000Z')), limits: LIMITS });
      for (let index = 0; index < 30; index += 1) {
        const path = `/r/${index % 3 === 0 ? 's/' : ''}d${String(index).padStart(2, '0')}${index % 4 === 0 ? 'é' : ''}`;
        const write = { content: 'x'.repeat(index % 5), contentType: 'text/plain', metadata: metadata() };
        await store.put('alice', path, write);
        await memory.put('alice', path, write);
      }
      for (let round = 0; round < 60; round += 1) {
        const asked = query();
        const expected = (await memory.query('alice', asked)).map((entry) => entry.path);
        const actual = (await store.query('alice', asked)).map((entry) => entry.path);
        assert.deepEqual(actual, expected, JSON.stringify(asked));
      }
    }));
});
