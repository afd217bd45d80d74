/**
 * The SQLite query compiler against the in-memory evaluator (src/kernel/context/match.ts, the
 * reference semantics): the same generated queries over the same documents must return the same
 * paths in the same order. The documents' metadata mixes every JSON type, missing keys, nested
 * objects, NUL characters, astral and BMP-private characters, so typed comparisons, code point
 * order, the three-valued-logic traps of SQL and the type ranks of ORDER BY are all exercised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { MemoryContextStore } from '../../src/adapters/memory/index.js';
import type { Condition, ContextQuery, Scalar } from '../../src/kernel/context/query.js';
import type { ContextStore } from '../../src/kernel/ports/context.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { openTempStorage } from './sqlite-harness.js';

const STRINGS = ['', 'a', 'A', 'ab', 'b', 'a\u0000b', 'a\u0000', 'é', 'e\u0301', '😀', '\uffff', 'high', 'low', 'doc-1', '/F1', 'application/json', '2026'];
const NUMBERS = [0, 1, -1, 1.5, 2, 3, 10, 1e21, -1e-7, 40];
const VALUES: unknown[] = [...STRINGS, ...NUMBERS, true, false, null, [], ['a', 'b'], ['high'], ['a', 1], { x: 1 }, { team: 'core' }];
const FOLDERS = ['/F1', '/F1/sub', '/F2', '/F1 x'];

async function seed(stores: ContextStore[], clock: TestClock): Promise<void> {
  const random = fc.sample(fc.integer({ min: 0, max: VALUES.length + 2 }), { numRuns: 200, seed: 7 });
  let next = 0;
  const pick = (): { value?: unknown } => {
    const index = random[next++ % random.length]!;
    return index < VALUES.length ? { value: VALUES[index] } : {};
  };
  for (let i = 0; i < 40; i += 1) {
    const metadata: Record<string, unknown> = {};
    for (const key of ['p', 'q']) {
      const picked = pick();
      if ('value' in picked) metadata[key] = picked.value;
    }
    const team = pick();
    if ('value' in team) metadata.o = i % 3 === 0 ? team.value : { team: team.value };
    const path = `${FOLDERS[i % FOLDERS.length]}/doc-${i % 7}-${i}`;
    const write = i % 5 === 0 ? { content: 'x'.repeat(i), contentType: 'text/plain', metadata } : { content: { i }, contentType: 'application/json', metadata };
    for (const store of stores) await store.put('alice', path, write);
    if (i % 4 === 0) for (const store of stores) await store.put('alice', path, write);
    clock.advance(i % 3 === 0 ? 0 : 1000); // equal timestamps too, for the path tiebreak
  }
}

const FIELDS = ['metadata.p', 'metadata.q', 'metadata.o', 'metadata.o.team', 'name', 'path', 'size', 'version', 'kind', 'contentType', 'createdAt', 'updatedAt'];
const scalar: fc.Arbitrary<Scalar> = fc.oneof(fc.constantFrom<Scalar>(...STRINGS, ...NUMBERS, true, false, null), fc.constantFrom('2026-03-01T09:00:05.000Z', 'doc-', 'doc-3', '/F1/', 'text/'));
const ordered = fc.constantFrom<Scalar>(...STRINGS, ...NUMBERS, 'doc-', '/F1/sub');
const field = fc.constantFrom(...FIELDS);
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ op: fc.constantFrom('eq' as const, 'ne' as const), field, value: scalar }),
  fc.record({ op: fc.constantFrom('lt' as const, 'le' as const, 'gt' as const, 'ge' as const), field, value: ordered }),
  fc.record({ op: fc.constant('in' as const), field, values: fc.array(scalar, { minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constantFrom('contains' as const, 'startsWith' as const), field, value: fc.constantFrom(...STRINGS, 'doc-', '/F1/', 'F1 ', 'text') }),
  fc.record({ op: fc.constant('exists' as const), field }),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), conditions: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ op: fc.constant('not' as const), condition: tie('node') }),
  ),
})).node;
const query: fc.Arbitrary<ContextQuery> = fc.record({
  prefix: fc.constantFrom('/', ...FOLDERS, '/F1/sub/doc-1-5', '/F'),
  where: fc.option(condition, { nil: undefined }),
  orderBy: fc.array(fc.record({ field, direction: fc.constantFrom('asc' as const, 'desc' as const) }), { maxLength: 3 }),
  limit: fc.integer({ min: 1, max: 60 }),
  kinds: fc.constantFrom<ContextQuery['kinds']>(['document'], ['folder'], ['document', 'folder']),
});

describe('ContextStore query: SQLite agrees with the in-memory reference', () => {
  it('returns the same paths in the same order for generated queries', async () => {
    const clock = new TestClock(new Date('2026-03-01T09:00:00.000Z'));
    const memory = new MemoryContextStore({ clock });
    const storage = openTempStorage({ clock });
    try {
      await seed([memory, storage.context], clock);
      await fc.assert(
        fc.asyncProperty(query, async (generated) => {
          const paths = async (store: ContextStore) => (await store.query('alice', generated)).map((entry) => entry.path);
          const expected = await paths(memory);
          assert.deepEqual(await paths(storage.context), expected);
        }),
        { numRuns: 400, seed: 20260301 },
      );
    } finally {
      storage.dispose();
    }
  });
});
