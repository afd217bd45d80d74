/**
 * What only the SQLite adapters promise: data survives a restart, settle is one transaction,
 * and a settle whose lock was lost changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import Database from 'better-sqlite3';
import { GroupCommit, SCHEMA_VERSION, SqliteAuditLog, openDatabase } from '../../src/adapters/local/index.js';
import { deliveryKey, isKernelError, verifyAuditChain, type Delivery } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { childOf, completeOutcome, makeAudit, makeRecord, unchained } from './fixtures.js';
import { openTempStorage } from './sqlite-harness.js';

const LOCK_MS = 1000;

describe('SQLite adapters: durability and atomicity', () => {
  it('keeps messages, leases, records, audit, dedupe keys and the change sequence across close and reopen', async () => {
    const first = openTempStorage({ lockMs: LOCK_MS });
    try {
      const event = makeEvent();
      await first.queue.publish([event, makeEvent({ id: 'e2' })]);
      const [leased] = await first.queue.receive(1);
      const record = makeRecord(event, { status: 'accepted' });
      await first.store.save(record);
      await first.audit.append([makeAudit(record)]);
      const cursor = (await first.store.changes('alice', undefined, 10)).cursor;
      first.close();

      const second = first.reopen();
      assert.deepEqual(await second.store.get('alice', 'e1'), record);
      assert.deepEqual((await second.audit.list('alice', { limit: 10 })).map(unchained), [makeAudit(record)]);
      assert.equal(await second.queue.depth(), 2);
      await second.queue.publish([event]);
      assert.equal(await second.queue.depth(), 2, 'duplicate detection survives the restart');
      const [other] = await second.queue.receive(10);
      assert.equal(other?.messageId, deliveryKey('alice', 'e2'), 'the lease of the dead process still holds');
      assert.equal(second.queue.releaseExpiredAndOrphanedLocks(), 2);
      const [again] = await second.queue.receive(1);
      assert.equal(again?.messageId, leased?.messageId);
      assert.equal(again?.deliveryCount, 2, 'the delivery count is kept');
      await second.store.save({ ...record, status: 'processed' });
      assert.deepEqual((await second.store.changes('alice', cursor, 10)).records.map((r) => r.status), ['processed']);
    } finally {
      first.dispose();
    }
  });

  it('settles in one transaction: a failing audit insert leaves no emission, record or acknowledgement', async () => {
    const storage = openTempStorage({ lockMs: LOCK_MS });
    try {
      const event = makeEvent();
      await storage.queue.publish([event]);
      const [delivery] = await storage.queue.receive(1);
      storage.db.exec(`CREATE TRIGGER no_audit BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit refused'); END`);
      const outcome = completeOutcome(event, [{ event: childOf(event, 'c1') }]);
      await assert.rejects(storage.queue.settle(delivery!, outcome), (error) => isKernelError(error));
      assert.equal(await storage.store.get('alice', 'e1'), undefined);
      assert.equal(await storage.queue.depth(), 1, 'the child was not enqueued and the message not deleted');
      assert.deepEqual(await storage.queue.receive(10), [], 'the message is still leased');

      storage.db.exec('DROP TRIGGER no_audit');
      await storage.queue.settle(delivery!, outcome);
      assert.equal((await storage.store.get('alice', 'e1'))?.status, 'processed');
      assert.equal((await storage.queue.receive(10))[0]?.messageId, deliveryKey('alice', 'c1'), 'the child was not marked seen by the failed attempt');
    } finally {
      storage.dispose();
    }
  });

  it('chains audit entries within one group commit on the heads it wrote, never on one rolled back with a failed write', async () => {
    const storage = openTempStorage();
    try {
      const commits = new GroupCommit(storage.db);
      const audit = new SqliteAuditLog(storage.db, commits);
      const entry = (id: string) => makeAudit(makeRecord(makeEvent({ id })));
      // Three writes in one turn, so one transaction: the second appends, then fails and is rolled back.
      const writes = [
        commits.run(() => audit.appendInTransaction([entry('a'), entry('b')])),
        commits.run(() => {
          audit.appendInTransaction([entry('lost')]);
          throw new Error('this write fails after its append');
        }),
        commits.run(() => audit.appendInTransaction([entry('c')])),
      ];
      const results = await Promise.allSettled(writes);
      assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
      const chain = await audit.chain('alice', { afterSeq: 0, limit: 10 });
      assert.deepEqual(chain.map((e) => [e.eventId, e.seq]), [['a', 1], ['b', 2], ['c', 3]]);
      assert.equal(verifyAuditChain(chain).ok, true);
      await audit.append([entry('d')]);
      assert.equal(verifyAuditChain(await audit.chain('alice', { afterSeq: 0, limit: 10 })).count, 4, 'the next transaction reads the head again');
    } finally {
      storage.dispose();
    }
  });

  it('refuses a settle, release or abandon whose lock was lost, changing nothing', async () => {
    const storage = openTempStorage({ lockMs: LOCK_MS });
    try {
      const event = makeEvent();
      await storage.queue.publish([event]);
      const [stale] = await storage.queue.receive(1);
      storage.clock.advance(LOCK_MS);
      const [current] = await storage.queue.receive(1);
      assert.equal(current?.deliveryCount, 2);

      const outcome = completeOutcome(event, [{ event: childOf(event, 'c1') }]);
      await assert.rejects(storage.queue.settle(stale!, outcome), (error) => isKernelError(error, 'conflict'));
      const foreign: Delivery = { messageId: current.messageId, body: current.body, deliveryCount: 2, enqueuedAt: current.enqueuedAt };
      await assert.rejects(storage.queue.settle(foreign, outcome), (error) => isKernelError(error, 'conflict'));
      assert.equal(await storage.store.get('alice', 'e1'), undefined);
      assert.deepEqual(await storage.audit.list('alice', { limit: 10 }), []);
      assert.equal(await storage.queue.depth(), 1);

      await storage.queue.release(stale!);
      await storage.queue.abandon(stale!, 0);
      assert.deepEqual(await storage.queue.receive(10), [], 'the current lease is untouched');

      await storage.queue.settle(current, outcome);
      assert.equal((await storage.store.get('alice', 'e1'))?.status, 'processed');
    } finally {
      storage.dispose();
    }
  });

  it('creates the schema with WAL, the chosen synchronous level and foreign keys; refuses a newer schema', () => {
    const storage = openTempStorage({ synchronous: 'FULL' });
    try {
      assert.equal(storage.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(storage.db.pragma('synchronous', { simple: true }), 2);
      assert.equal(storage.db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(storage.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      storage.close();
      const defaults = openTempStorage();
      assert.equal(defaults.db.pragma('synchronous', { simple: true }), 1, 'NORMAL by default');
      defaults.dispose();

      const raw = new Database(storage.file);
      raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      raw.close();
      assert.throws(() => openDatabase({ file: storage.file }), (error) => isKernelError(error, 'not_supported'));
    } finally {
      storage.dispose();
    }
  });
});
