/**
 * EventStore on SQLite. A record is stored as JSON plus the columns queries filter on, and
 * parsed through `eventRecordSchema` when read back. The row's AUTOINCREMENT `seq` doubles as
 * the change sequence: every write (insert or replace) gets a new, higher one.
 */
import { type ChangePage, type EventQuery, type EventRecord, eventRecordSchema, type EventStore, KernelError } from '../../kernel/index.js';
import { WorkSignal } from '../work-signal.js';
import { guard, rowLimit, type SqliteDatabase, type SqliteStatement } from './database.js';
import type { GroupCommit } from './group-commit.js';

type RecordParams = [userId: string, id: string, type: string, status: string, receivedAt: string, record: string];
interface RecordRow {
  seq: number;
  record: string;
}

const COLUMNS = 'user_id, id, type, status, received_at, record';
const CURSOR = /^\d{1,15}$/;
/** Distinct query shapes are few (pattern kinds x filters); the cap only guards against abuse. */
const MAX_CACHED_LIST_STATEMENTS = 200;

export class SqliteEventStore implements EventStore {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #changed = new WorkSignal();
  readonly #get;
  readonly #getMany;
  readonly #insert;
  readonly #replace;
  readonly #changesAfter;
  readonly #lastSeq;
  readonly #listStatements = new Map<string, SqliteStatement<Array<string | number>, RecordRow>>();

  /** `commits` is shared with the queue and audit log, so their writes are committed together. */
  constructor(db: SqliteDatabase, commits: GroupCommit) {
    this.#db = db;
    this.#commits = commits;
    this.#get = db.prepare<[string, string], RecordRow>('SELECT seq, record FROM event_records WHERE user_id = ? AND id = ?');
    this.#getMany = db.prepare<[string, string], RecordRow & { id: string }>(
      'SELECT seq, id, record FROM event_records WHERE user_id = ? AND id IN (SELECT value FROM json_each(?))',
    );
    this.#insert = db.prepare<RecordParams>(`INSERT INTO event_records (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, id) DO NOTHING`);
    // REPLACE (delete + insert) rather than an upsert, so the row gets a fresh change sequence.
    this.#replace = db.prepare<RecordParams>(`INSERT OR REPLACE INTO event_records (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
    this.#changesAfter = db.prepare<[string, number, number], RecordRow>(
      'SELECT seq, record FROM event_records WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.#lastSeq = db.prepare<[], number>('SELECT COALESCE(MAX(seq), 0) FROM event_records').pluck();
  }

  async get(userId: string, id: string): Promise<EventRecord | undefined> {
    const row = guard(this.#db, () => this.#get.get(userId, id));
    return row && parseRecord(row);
  }

  async getMany(userId: string, ids: readonly string[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    // The usual ingest is one event: a point lookup, without json_each.
    if (ids.length === 1) {
      const record = await this.get(userId, ids[0]!);
      return record ? [record] : [];
    }
    const rows = guard(this.#db, () => this.#getMany.all(userId, JSON.stringify(ids)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    // Same order as asked (and as the in-memory store answers), not the index's order.
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [parseRecord(row)] : [];
    });
  }

  async insertAccepted(records: readonly EventRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(params); // serialized before the transaction
    await this.#commits.run(() => {
      for (const row of rows) this.#insert.run(...row);
    });
    this.#changed.notify();
  }

  async save(record: EventRecord): Promise<void> {
    await this.#commits.run(() => this.saveInTransaction(record));
    this.#changed.notify();
  }

  /**
   * Write a record inside the caller's transaction (the queue's settle). Synchronous on
   * purpose: better-sqlite3 transactions cannot span an `await`. Call `notifyChanged` after commit.
   */
  saveInTransaction(record: EventRecord): void {
    this.#replace.run(...params(record));
  }

  /**
   * `saveInTransaction` in two halves: the record is serialized now, and written when the
   * returned function runs inside the caller's transaction (which then holds the file's write
   * lock for less time).
   */
  prepareSave(record: EventRecord): () => void {
    const values = params(record);
    return () => void this.#replace.run(...values);
  }

  notifyChanged(): void {
    this.#changed.notify();
  }

  /** Resolves when a record is written in this process, or after `maxWaitMs` (for live streams). */
  waitForChanges(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    return this.#changed.wait(maxWaitMs, signal);
  }

  async list(userId: string, query: EventQuery): Promise<EventRecord[]> {
    const { sql, values } = listStatement(userId, query);
    const rows = guard(this.#db, () => this.#listStatement(sql).all(...values));
    return rows.map(parseRecord);
  }

  async changes(userId: string, cursor: string | undefined, limit: number): Promise<ChangePage> {
    if (cursor === undefined) return { records: [], cursor: String(guard(this.#db, () => this.#lastSeq.get()) ?? 0) };
    if (!CURSOR.test(cursor)) throw new KernelError('invalid_input', `not a change cursor: ${cursor}`);
    const after = Number(cursor);
    const rows = guard(this.#db, () => this.#changesAfter.all(userId, after, rowLimit(limit)));
    return { records: rows.map(parseRecord), cursor: String(rows.at(-1)?.seq ?? after) };
  }

  #listStatement(sql: string): SqliteStatement<Array<string | number>, RecordRow> {
    let statement = this.#listStatements.get(sql);
    if (!statement) {
      if (this.#listStatements.size >= MAX_CACHED_LIST_STATEMENTS) this.#listStatements.clear();
      statement = this.#db.prepare<Array<string | number>, RecordRow>(sql);
      this.#listStatements.set(sql, statement);
    }
    return statement;
  }
}

/** A list query as SQL and its parameters (exported for the query-plan test). */
export function listStatement(userId: string, query: EventQuery): { sql: string; values: Array<string | number> } {
  const patterns = query.types ?? [];
  // `*` matches everything, so any filter containing it is no filter at all.
  const typeFilter = patterns.includes('*') ? [] : patterns;
  const where = ['user_id = ?'];
  const values: Array<string | number> = [userId];
  const alternatives: string[] = [];
  for (const pattern of typeFilter) {
    if (pattern.endsWith('.*')) {
      // A range instead of LIKE: no wildcard escaping, and it can use an index. Every type that
      // starts with `prefix.` sorts at or after it and before `prefix/` ('/' follows '.').
      const prefix = pattern.slice(0, -1);
      alternatives.push('(type >= ? AND type < ?)');
      values.push(prefix, `${prefix.slice(0, -1)}/`);
    } else {
      alternatives.push('type = ?');
      values.push(pattern);
    }
  }
  if (alternatives.length > 0) where.push(`(${alternatives.join(' OR ')})`);
  if (query.since !== undefined) {
    where.push('received_at >= ?');
    values.push(query.since.toISOString());
  }
  if (query.until !== undefined) {
    where.push('received_at < ?');
    values.push(query.until.toISOString());
  }
  if (query.before !== undefined) {
    // A row value: the index (user_id, received_at, id) seeks straight to the position.
    where.push('(received_at, id) < (?, ?)');
    values.push(query.before.receivedAt, query.before.id);
  }
  if (query.status !== undefined) {
    where.push('status = ?');
    values.push(query.status);
  }
  values.push(rowLimit(query.limit));
  // The order of the index event_records_recent (user_id, received_at, id): no sort step.
  const sql = `SELECT seq, record FROM event_records WHERE ${where.join(' AND ')} ORDER BY received_at DESC, id DESC LIMIT ?`;
  return { sql, values };
}

function params(record: EventRecord): RecordParams {
  return [record.userId, record.id, record.type, record.status, record.receivedAt, JSON.stringify(record)];
}

/** Store read is a boundary: a row that no longer matches the schema is corruption, not data. */
function parseRecord(row: RecordRow): EventRecord {
  let value: unknown;
  try {
    value = JSON.parse(row.record);
  } catch (error) {
    throw new KernelError('internal', `event record row ${row.seq} is not valid JSON`, { cause: error });
  }
  const parsed = eventRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new KernelError('internal', `event record row ${row.seq} does not match the record schema`, { cause: parsed.error });
  }
  return parsed.data;
}
