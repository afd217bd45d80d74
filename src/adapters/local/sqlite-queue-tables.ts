/**
 * The queue's SQL, prepared once per database. Every value is a bound parameter.
 * See the schema in database.ts for what the columns mean.
 */
import type { SqliteDatabase } from './database.js';

export interface ReadyRow {
  seq: number;
  message_id: string;
  body: string;
  enqueued_at: number;
  delivery_count: number;
}

export interface LeasedRow extends ReadyRow {
  lock_token: string;
}

export interface DeadLetterRow {
  message_id: string;
  body: string;
  reason: string;
  description: string;
  delivery_count: number;
  dead_lettered_at: string;
}

const DEAD_LETTER_COLUMNS = 'message_id, body, reason, description, delivery_count, enqueued_at, dead_lettered_at';

export class SqliteQueueStatements {
  /** Keys deleted per prune statement, so one prune never holds the write lock for long. */
  static readonly PRUNE_BATCH = 5000;

  /** Counts a change (new key, or one seen `window` or more ms ago) only when the key is not within the window. */
  readonly markSeen;
  readonly insert;
  readonly ready;
  readonly lease;
  readonly deleteRow;
  readonly deadLetterRow;
  readonly deleteLeased;
  readonly deadLetterLeased;
  readonly unlock;
  readonly release;
  readonly releaseAll;
  readonly earliest;
  readonly depth;
  readonly pruneSeen;
  readonly deadLetters;
  readonly latestDeadLetter;
  readonly deleteDeadLetter;

  constructor(db: SqliteDatabase) {
    this.markSeen = db.prepare<[messageId: string, now: number, expiredBefore: number]>(
      `INSERT INTO bus_seen (message_id, seen_at) VALUES (?, ?)
       ON CONFLICT (message_id) DO UPDATE SET seen_at = excluded.seen_at WHERE bus_seen.seen_at <= ?`,
    );
    // DO NOTHING: a key whose window expired while its message is still queued adds no copy.
    this.insert = db.prepare<[messageId: string, body: string, enqueuedAt: number, visibleAt: number]>(
      `INSERT INTO bus_messages (message_id, body, enqueued_at, visible_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
    );
    this.ready = db.prepare<[now: number, limit: number], ReadyRow>(
      `SELECT seq, message_id, body, enqueued_at, delivery_count FROM bus_messages
       WHERE visible_at <= ? ORDER BY visible_at, seq LIMIT ?`,
    );
    this.lease = db
      .prepare<[lockedUntil: number, visibleAt: number, token: string, seq: number], number>(
        `UPDATE bus_messages SET delivery_count = delivery_count + 1, locked_until = ?, visible_at = ?, lock_token = ?
         WHERE seq = ? RETURNING delivery_count`,
      )
      .pluck();
    this.deleteRow = db.prepare<[seq: number]>('DELETE FROM bus_messages WHERE seq = ?');
    this.deadLetterRow = db.prepare<[reason: string, description: string, at: string, seq: number]>(
      `INSERT INTO dead_letters (${DEAD_LETTER_COLUMNS})
       SELECT message_id, body, ?, ?, delivery_count, enqueued_at, ? FROM bus_messages WHERE seq = ?`,
    );
    this.deleteLeased = db.prepare<[messageId: string, token: string]>('DELETE FROM bus_messages WHERE message_id = ? AND lock_token = ?');
    this.deadLetterLeased = db.prepare<[reason: string, description: string, at: string, messageId: string, token: string]>(
      `INSERT INTO dead_letters (${DEAD_LETTER_COLUMNS})
       SELECT message_id, body, ?, ?, delivery_count, enqueued_at, ? FROM bus_messages WHERE message_id = ? AND lock_token = ?`,
    );
    this.unlock = db.prepare<[visibleAt: number, messageId: string, token: string]>(
      `UPDATE bus_messages SET locked_until = 0, lock_token = NULL, visible_at = ?
       WHERE message_id = ? AND lock_token = ?`,
    );
    this.release = db.prepare<[now: number, messageId: string, token: string]>(
      `UPDATE bus_messages SET locked_until = 0, lock_token = NULL, visible_at = ?, delivery_count = MAX(0, delivery_count - 1)
       WHERE message_id = ? AND lock_token = ?`,
    );
    this.releaseAll = db.prepare<[now: number]>(
      'UPDATE bus_messages SET locked_until = 0, lock_token = NULL, visible_at = MIN(visible_at, ?) WHERE lock_token IS NOT NULL',
    );
    this.earliest = db.prepare<[], number>('SELECT visible_at FROM bus_messages ORDER BY visible_at LIMIT 1').pluck();
    this.depth = db.prepare<[], number>('SELECT COUNT(*) FROM bus_messages').pluck();
    this.pruneSeen = db.prepare<[expiredBefore: number]>(
      `DELETE FROM bus_seen WHERE message_id IN
       (SELECT message_id FROM bus_seen WHERE seen_at <= ? LIMIT ${SqliteQueueStatements.PRUNE_BATCH})`,
    );
    this.deadLetters = db.prepare<[limit: number], DeadLetterRow>(
      `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters ORDER BY seq DESC LIMIT ?`,
    );
    this.latestDeadLetter = db.prepare<[messageId: string], { seq: number; body: string }>(
      'SELECT seq, body FROM dead_letters WHERE message_id = ? ORDER BY seq DESC LIMIT 1',
    );
    this.deleteDeadLetter = db.prepare<[seq: number]>('DELETE FROM dead_letters WHERE seq = ?');
  }
}
