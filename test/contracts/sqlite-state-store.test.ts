/**
 * What the StateStore contract cannot see of the SQLite adapter: expired rows are deleted (by
 * the bounded sweep during increments, or by purgeExpired), items survive a reopen, and state
 * writes commit together with other writes in one group.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { openTempStorage } from './sqlite-harness.js';

const rows = (storage: ReturnType<typeof openTempStorage>): number => storage.db.prepare<[], number>('SELECT COUNT(*) FROM state_items').pluck().get() ?? 0;

describe('SqliteStateStore', () => {
  it('deletes expired rows a few at a time during increments, and all of them on purgeExpired', async () => {
    const storage = openTempStorage();
    try {
      const { state, clock } = storage;
      const expiresAt = new Date(clock.now().getTime() + 1000);
      for (let i = 0; i < 10; i += 1) await state.increment('alice', 'usage', `old-${i}`, { n: 1 }, { expiresAt });
      clock.advance(1000);
      assert.equal(rows(storage), 10, 'expired rows stay until swept (reads skip them)');
      // The sweep runs once every 64 increments on this store, on top of the increment itself.
      for (let i = 0; i < 64; i += 1) await state.increment('alice', 'usage', 'live', { n: 1 });
      assert.equal(rows(storage), 1, 'only the live row is left');
      assert.deepEqual((await state.get('alice', 'usage', 'live'))?.value, { n: 64 });

      for (let i = 0; i < 3; i += 1) await state.increment('alice', 'usage', `more-${i}`, { n: 1 }, { expiresAt: new Date(clock.now().getTime() + 1) });
      clock.advance(1);
      assert.equal(await state.purgeExpired(2), 2, 'bounded');
      assert.equal(await state.purgeExpired(), 1);
      assert.equal(rows(storage), 1);
    } finally {
      storage.dispose();
    }
  });

  it('keeps items, ETags and expiry across a reopen', async () => {
    const storage = openTempStorage();
    try {
      const written = await storage.state.put('_global', 'policy', 'default', { rules: [] });
      await storage.state.increment('alice', 'usage', 'd:2026-01-01', { events: 2 }, { expiresAt: new Date(storage.clock.now().getTime() + 60_000) });
      storage.close();
      const again = storage.reopen();
      assert.deepEqual(await again.state.get('_global', 'policy', 'default'), written);
      assert.deepEqual((await again.state.get('alice', 'usage', 'd:2026-01-01'))?.value, { events: 2 });
      storage.clock.advance(60_000);
      assert.equal(await again.state.get('alice', 'usage', 'd:2026-01-01'), undefined);
    } finally {
      storage.dispose();
    }
  });

  it('writes in one group commit fail alone: a refused put does not undo the writes batched with it', async () => {
    const storage = openTempStorage();
    try {
      const { state } = storage;
      const first = await state.put('alice', 'policy', 'p', 1);
      await state.put('alice', 'policy', 'p', 2);
      const results = await Promise.allSettled([
        state.put('alice', 'policy', 'a', 'kept'),
        state.put('alice', 'policy', 'p', 'stale', { ifMatch: first.etag }),
        state.increment('alice', 'usage', 'c', { n: 1 }),
      ]);
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((await state.get('alice', 'policy', 'a'))?.value, 'kept');
      assert.equal((await state.get('alice', 'policy', 'p'))?.value, 2);
      assert.deepEqual((await state.get('alice', 'usage', 'c'))?.value, { n: 1 });
    } finally {
      storage.dispose();
    }
  });
});
