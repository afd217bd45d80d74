/**
 * The SQLite event list's query plans: every shape the API sends (filters, time ranges, a page's
 * position) walks the index event_records_recent in its order, with no sort step, so a page
 * costs its rows whatever the history's size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { listStatement } from '../../src/adapters/local/sqlite-event-store.js';
import type { EventQuery } from '../../src/kernel/index.js';
import { openTempStorage } from './sqlite-harness.js';

const SHAPES: Array<[string, EventQuery]> = [
  ['no filter', { limit: 50 }],
  ['a prefix', { types: ['demo.*'], limit: 50 }],
  ['exact types', { types: ['demo.ping', 'task.created'], limit: 50 }],
  ['status', { status: 'failed', limit: 50 }],
  ['since', { since: new Date('2026-01-01T00:00:00Z'), limit: 50 }],
  ['since and until', { since: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-01-08T00:00:00Z'), limit: 50 }],
  ['a position', { before: { receivedAt: '2026-01-02T00:00:00.000Z', id: 'e9' }, limit: 50 }],
  ['a position in a range, filtered', { types: ['demo.*'], status: 'processed', until: new Date('2026-01-08T00:00:00Z'), before: { receivedAt: '2026-01-02T00:00:00.000Z', id: 'e9' }, limit: 50 }],
];

describe('SqliteEventStore list plans', () => {
  for (const [name, query] of SHAPES) {
    it(`${name}: walks event_records_recent in order, no sort`, () => {
      const storage = openTempStorage();
      try {
        const { sql, values } = listStatement('alice', query);
        const plan = storage.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...values).map((row) => row.detail);
        assert.ok(plan.some((step) => step.includes('USING INDEX event_records_recent (user_id=?')), plan.join('\n'));
        assert.ok(!plan.some((step) => step.includes('TEMP B-TREE')), plan.join('\n'));
      } finally {
        storage.dispose();
      }
    });
  }

  it('seeks to a position through the index rather than filtering the partition', () => {
    const storage = openTempStorage();
    try {
      const { sql, values } = listStatement('alice', { before: { receivedAt: '2026-01-02T00:00:00.000Z', id: 'e9' }, limit: 50 });
      const plan = storage.db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...values).map((row) => row.detail);
      assert.ok(plan.some((step) => step.includes('(received_at,id)<(?,?)')), plan.join('\n'));
    } finally {
      storage.dispose();
    }
  });
});
