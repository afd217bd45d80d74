/**
 * The background checkpointer: the WAL is copied into the database file by its thread while the
 * connection itself never checkpoints, closing leaves no WAL behind, and a thread that dies
 * hands checkpointing back to the connection.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'vitest';
import { BackgroundCheckpointer } from '../../src/adapters/local/checkpointer.js';
import type { SqliteDatabase } from '../../src/adapters/local/database.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { openTempStorage } from './sqlite-harness.js';

/** About 2 MB of queued events: far more pages than the fresh database file holds. */
async function fill(storage: ReturnType<typeof openTempStorage>): Promise<void> {
  const body = 'x'.repeat(2000);
  for (let batch = 0; batch < 10; batch += 1) {
    await storage.queue.publish(Array.from({ length: 100 }, (_, i) => makeEvent({ id: `e${batch}-${i}`, data: { body } })));
  }
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i += 1) await sleep(50);
  assert.ok(check(), what);
}

describe('SQLite background checkpointer', () => {
  it('copies the WAL into the database file from its thread; the connection never checkpoints', async () => {
    const problems: string[] = [];
    const storage = openTempStorage({ backgroundCheckpoint: { onProblem: (message) => problems.push(message) } });
    try {
      assert.equal(storage.db.pragma('wal_autocheckpoint', { simple: true }), 0);
      const before = statSync(storage.file).size;
      await fill(storage);
      await eventually(() => statSync(storage.file).size > before + 1_000_000, 'the database file grew by the checkpointed pages');
      assert.deepEqual(problems, []);
    } finally {
      storage.dispose();
    }
  });

  it('without it, the same writes stay in the WAL until the connection checkpoints by itself', async () => {
    const storage = openTempStorage();
    try {
      assert.equal(storage.db.pragma('wal_autocheckpoint', { simple: true }), 4000);
      const before = statSync(storage.file).size;
      await fill(storage);
      await sleep(300);
      assert.equal(statSync(storage.file).size, before, 'no checkpoint ran: 2 MB is below the 4000-page threshold');
    } finally {
      storage.dispose();
    }
  });

  it('closes its connection first, so closing the storage checkpoints and removes the WAL', async () => {
    const storage = openTempStorage({ backgroundCheckpoint: { onProblem: () => undefined } });
    try {
      await fill(storage);
      assert.ok(existsSync(`${storage.file}-wal`));
      storage.close();
      assert.equal(existsSync(`${storage.file}-wal`), false);
      const reopened = storage.reopen();
      assert.equal(await reopened.queue.depth(), 1000, 'nothing was lost');
    } finally {
      storage.dispose();
    }
  });

  it('hands checkpointing back to the connection when its thread cannot run', async () => {
    const pragmas: string[] = [];
    const problems: string[] = [];
    // A connection whose file does not exist: the thread fails to open it and exits.
    const db = { name: '/nonexistent/vextir.db', open: true, pragma: (text: string) => pragmas.push(text) } as unknown as SqliteDatabase;
    const checkpointer = new BackgroundCheckpointer(db, { fallbackAutocheckpointPages: 4000, onProblem: (message) => problems.push(message) });
    await eventually(() => problems.length > 0, 'the failure was reported');
    assert.deepEqual(pragmas, ['wal_autocheckpoint = 0', 'wal_autocheckpoint = 4000']);
    assert.match(problems[0] ?? '', /the checkpoint thread stopped .*checkpoints on commit again/);
    checkpointer.stop(); // idempotent after a failure
  });
});
