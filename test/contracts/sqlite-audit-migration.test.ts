/**
 * Upgrading a database written before the audit chain: its entries survive the migration, are
 * still listed (after the chained ones), and stay outside every chain, which starts at seq 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import Database from 'better-sqlite3';
import { openDatabase, SCHEMA_VERSION } from '../../src/adapters/local/database.js';
import { GroupCommit } from '../../src/adapters/local/group-commit.js';
import { SqliteAuditLog } from '../../src/adapters/local/sqlite-audit-log.js';
import { verifyAuditChain } from '../../src/kernel/index.js';
import { makeAudit, recordOf } from './fixtures.js';

it('keeps pre-chain audit rows through the migration, listed but in no chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vextir-audit-migration-'));
  try {
    const file = join(dir, 'vextir.db');
    // The audit table as schema version 1 created it, with two entries in the old form, and the
    // event records and queue tables that later migrations index anew and alter.
    const old = new Database(file);
    old.exec(`
      CREATE TABLE bus_messages (seq INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, enqueued_at INTEGER NOT NULL, visible_at INTEGER NOT NULL, delivery_count INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0, lock_token TEXT);
      CREATE INDEX bus_messages_due ON bus_messages (visible_at, seq);
      CREATE TABLE event_records (seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (user_id, id));
      CREATE INDEX event_records_changes ON event_records (user_id, seq);
      CREATE INDEX event_records_received ON event_records (user_id, received_at);
      CREATE TABLE audit_entries (seq INTEGER PRIMARY KEY, user_id TEXT NOT NULL, event_id TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX audit_entries_user ON audit_entries (user_id, seq);
      CREATE INDEX audit_entries_event ON audit_entries (user_id, event_id, seq);
    `);
    const insert = old.prepare('INSERT INTO audit_entries (user_id, event_id, entry) VALUES (?, ?, ?)');
    for (const id of ['old1', 'old2']) {
      const { kind: _kind, ...legacy } = makeAudit(recordOf('alice', id, 'demo.ping', '2025-01-01T00:00:00.000Z'));
      insert.run('alice', id, JSON.stringify(legacy));
    }
    old.pragma('user_version = 1');
    old.close();

    const db = openDatabase({ file });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      const audit = new SqliteAuditLog(db, new GroupCommit(db));
      await audit.append([makeAudit(recordOf('alice', 'new1', 'demo.ping', '2026-01-01T00:00:00.000Z'))]);
      await audit.append([{ userId: 'alice', id: 'adm', at: '2026-01-01T00:00:01.000Z', kind: 'admin', action: 'policies.put', target: 'global' }]);

      assert.deepEqual((await audit.list('alice', { limit: 10 })).map((entry) => [entry.id, entry.seq ?? null]), [
        ['adm', 2],
        ['new1-1', 1],
        ['old2-1', null],
        ['old1-1', null],
      ]);
      assert.deepEqual((await audit.list('alice', { eventId: 'old1', limit: 10 })).map((entry) => entry.kind), ['event'], 'old entries read as kind event');
      const chain = await audit.chain('alice', { afterSeq: 0, limit: 10 });
      assert.deepEqual(chain.map((entry) => entry.id), ['new1-1', 'adm']);
      assert.equal(verifyAuditChain(chain).ok, true);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
