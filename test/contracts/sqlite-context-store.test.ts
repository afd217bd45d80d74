/**
 * What the ContextStore contract cannot see of the SQLite adapter: deletes leave no version or
 * search rows behind, a move that fails halfway leaves nothing moved, documents and the index
 * survive a reopen and are seen by a second connection, ETag checks hold across connections,
 * the query compiler never puts a value into SQL text, and the statements keep the plans that
 * make them fast (an index range for a folder, the FTS match as the outer loop).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { compileCondition, compileQuery } from '../../src/adapters/local/sqlite-context-query.js';
import { searchStatement } from '../../src/adapters/local/sqlite-context-search.js';
import { SUMMARY_COLUMNS } from '../../src/adapters/local/sqlite-context-statements.js';
import { contextQuerySchema, type Condition } from '../../src/kernel/context/query.js';
import { isKernelError } from '../../src/kernel/index.js';
import { openTempStorage, type TempStorage } from './sqlite-harness.js';

const json = (content: unknown, metadata: Record<string, unknown> = {}) => ({ content, contentType: 'application/json', metadata });
const count = (storage: TempStorage, table: string): number => storage.db.prepare<[], number>(`SELECT COUNT(*) FROM ${table}`).pluck().get() ?? 0;

async function withStorage(test: (storage: TempStorage) => Promise<void>): Promise<void> {
  const storage = openTempStorage();
  try {
    await test(storage);
  } finally {
    storage.dispose();
  }
}

describe('SqliteContextStore', () => {
  it('a recursive delete removes the versions and search rows of everything it removes, and nothing else', () =>
    withStorage(async (storage) => {
      const { context } = storage;
      for (const path of ['/A/one', '/A/sub/two', '/AB/three']) {
        for (let n = 0; n < 3; n += 1) await context.put('alice', path, json({ text: `words ${n}` }));
      }
      await context.put('bob', '/A/one', json({ text: 'bob words' }));
      assert.deepEqual([count(storage, 'context_versions'), count(storage, 'context_fts')], [6, 4]);
      assert.equal(await context.delete('alice', '/A', { recursive: true }), 4);
      assert.deepEqual([count(storage, 'context_versions'), count(storage, 'context_fts')], [2, 2], '/AB/three and bob remain');
      const orphans = storage.db.prepare<[], number>('SELECT COUNT(*) FROM context_fts WHERE rowid NOT IN (SELECT id FROM context_entries)').pluck().get();
      assert.equal(orphans, 0);
    }));

  it('a move that fails halfway moves nothing', () =>
    withStorage(async (storage) => {
      const { context } = storage;
      await context.put('alice', '/A/one', json(1));
      await context.put('alice', '/A/sub/two', json(2));
      // Fails on the last row the move renames, after the others were renamed in the same transaction.
      storage.db.exec("CREATE TEMP TRIGGER fail_move BEFORE UPDATE OF path ON context_entries WHEN NEW.path = '/B/sub/two' BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
      await assert.rejects(context.move('alice', '/A', '/B'), (error) => isKernelError(error));
      assert.deepEqual(storage.db.prepare<[], string>("SELECT path FROM context_entries WHERE user_id = 'alice' ORDER BY path").pluck().all(), ['/A', '/A/one', '/A/sub', '/A/sub/two']);
      storage.db.exec('DROP TRIGGER fail_move');
      assert.equal((await context.move('alice', '/A', '/B')).path, '/B');
      assert.equal((await context.get('alice', '/B/sub/two'))?.content, 2);
    }));

  it('keeps documents, versions and the index across a reopen; a second connection sees them and respects ETags', () =>
    withStorage(async (storage) => {
      const first = await storage.context.put('alice', '/notes/today', { content: 'Met the zebra keeper', contentType: 'text/plain', metadata: { priority: 'high' } });
      await storage.context.put('alice', '/notes/today', { content: 'Met the zebra keeper again', contentType: 'text/plain', metadata: { priority: 'high' } });
      storage.close();
      const other = storage.reopen();
      const sibling = storage.reopen();
      assert.equal((await other.context.get('alice', '/notes/today'))?.version, 2);
      assert.deepEqual((await other.context.versions('alice', '/notes/today')).map((v) => v.etag), [first.etag]);
      assert.deepEqual((await other.context.search('alice', 'zebra', { limit: 5 })).map((hit) => hit.entry.path), ['/notes/today']);
      const current = (await sibling.context.get('alice', '/notes/today'))!;
      const results = await Promise.allSettled([
        other.context.put('alice', '/notes/today', json('from one'), { ifMatch: current.etag }),
        sibling.context.put('alice', '/notes/today', json('from two'), { ifMatch: current.etag }),
      ]);
      assert.deepEqual(results.map((result) => result.status).sort(), ['fulfilled', 'rejected'], 'exactly one writer wins');
      const loser = results.find((result) => result.status === 'rejected');
      assert.ok(loser && isKernelError(loser.reason, 'precondition_failed'));
    }));

  it('compiles conditions to SQL text with every value a parameter', () => {
    const hostile = "x' OR 1=1; DROP TABLE context_entries; --";
    const condition: Condition = {
      op: 'or',
      conditions: [
        { op: 'eq', field: 'metadata.owner.name', value: hostile },
        { op: 'in', field: 'name', values: [hostile, 3] },
        { op: 'contains', field: 'metadata.tags', value: hostile },
        { op: 'not', condition: { op: 'startsWith', field: 'path', value: hostile } },
        { op: 'gt', field: 'metadata.points', value: 7 },
      ],
    };
    const compiled = compileCondition(condition);
    assert.ok(!compiled.sql.includes('DROP') && !compiled.sql.includes('owner') && !compiled.sql.includes('7'), compiled.sql);
    assert.equal(compiled.sql.split('?').length - 1, compiled.params.length);
    assert.ok(compiled.params.includes('$.owner.name'), 'the JSON path is a parameter');
    const query = compileQuery({ sql: SUMMARY_COLUMNS, params: [] }, 'alice', contextQuerySchema.parse({ prefix: '/P', where: condition, orderBy: [{ field: 'metadata.points' }] }));
    assert.equal(query.sql.split('?').length - 1, query.params.length);
  });

  it('answers a folder query from one index range and runs the search match as the outer loop', () =>
    withStorage(async (storage) => {
      const plan = (statement: { sql: string; params: readonly unknown[] }): string[] =>
        storage.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params).map((row) => row.detail);
      const seedQuery = contextQuerySchema.parse({ prefix: '/Projects', where: { op: 'eq', field: 'metadata.priority', value: 'high' }, orderBy: [{ field: 'updatedAt', direction: 'desc' }], limit: 20 });
      const queryPlan = plan(compileQuery({ sql: SUMMARY_COLUMNS, params: [] }, 'alice', seedQuery));
      assert.ok(queryPlan.some((step) => step.includes('context_entries_path (user_id=? AND path>? AND path<?)')), queryPlan.join('\n'));
      const searchPlan = plan(searchStatement('alice', ['fox'], '/Projects', 20));
      assert.ok(searchPlan[0]?.startsWith('SCAN context_fts'), searchPlan.join('\n'));
      assert.ok(searchPlan.some((step) => step.includes('INTEGER PRIMARY KEY')), searchPlan.join('\n'));
    }));
});
