/**
 * StateStore on SQLite: one row per (partition, kind, key) in `state_items`, in the shared
 * database file. Writes go through the shared GroupCommit, so they batch with the queue's and
 * the event store's; reads go straight to the database.
 *
 * Every write runs inside the group's `BEGIN IMMEDIATE` transaction, which holds the file's
 * write lock from the read of the current row to the write of the new one: that makes the
 * ETag checks and `increment` atomic against this process and any other connection to the file.
 *
 * Expired rows are never returned. They are deleted a few at a time during increments (the
 * writes that create expiring items), or by `purgeExpired`.
 */
import { type Clock, KernelError, type PutOptions, type StateItem, type StateListOptions, type StateStore, systemClock } from '../../kernel/index.js';
import {
  applyDeltas,
  checkAddress,
  checkDeltas,
  checkExpiresAt,
  checkKey,
  checkLimit,
  checkPartitionKind,
  checkPutOptions,
  isExpired,
  newEtag,
  prefixUpperBound,
  serializeValue,
} from '../state-items.js';
import { guard, type SqliteDatabase } from './database.js';
import type { GroupCommit } from './group-commit.js';

interface ItemRow {
  key: string;
  value: string;
  etag: string;
  updated_at: string;
  expires_at: number | null;
}
type Address = [partition: string, kind: string, key: string];
type UpsertParams = [...Address, value: string, etag: string, updatedAt: string, expiresAt: number | null];

/** Increments between two sweeps, and rows deleted per sweep: bounded work on the write path. */
const SWEEP_EVERY_INCREMENTS = 64;
const SWEEP_ROWS = 100;

const COLUMNS = 'key, value, etag, updated_at, expires_at';
const LIVE = '(expires_at IS NULL OR expires_at > ?)';

export interface SqliteStateStoreOptions {
  /** Decides expiry and `updatedAt`; the system clock by default. */
  clock?: Clock;
}

export class SqliteStateStore implements StateStore {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #clock: Clock;
  readonly #get;
  readonly #getMany;
  readonly #current;
  readonly #listAll;
  readonly #listRange;
  readonly #listFrom;
  readonly #upsert;
  readonly #delete;
  readonly #sweep;
  #increments = 0;

  /** `commits` is shared with the other SQLite adapters on the same connection. */
  constructor(db: SqliteDatabase, commits: GroupCommit, options: SqliteStateStoreOptions = {}) {
    this.#db = db;
    this.#commits = commits;
    this.#clock = options.clock ?? systemClock;
    const where = 'partition_id = ? AND kind = ?';
    this.#get = db.prepare<[...Address, number], ItemRow>(`SELECT ${COLUMNS} FROM state_items WHERE ${where} AND key = ? AND ${LIVE}`);
    this.#getMany = db.prepare<[string, string, string, number], ItemRow>(
      `SELECT ${COLUMNS} FROM state_items WHERE ${where} AND key IN (SELECT value FROM json_each(?)) AND ${LIVE}`,
    );
    // Inside a write: expired or not, the row is there and decides what the write does.
    this.#current = db.prepare<Address, ItemRow>(`SELECT ${COLUMNS} FROM state_items WHERE ${where} AND key = ?`);
    // `key > ?` takes the page's afterKey, or '' for none: keys are never empty.
    this.#listAll = db.prepare<[string, string, string, number, number], ItemRow>(
      `SELECT ${COLUMNS} FROM state_items WHERE ${where} AND key > ? AND ${LIVE} ORDER BY key LIMIT ?`,
    );
    this.#listRange = db.prepare<[string, string, string, string, string, number, number], ItemRow>(
      `SELECT ${COLUMNS} FROM state_items WHERE ${where} AND key >= ? AND key < ? AND key > ? AND ${LIVE} ORDER BY key LIMIT ?`,
    );
    // For a prefix with no upper bound (all U+10FFFF): every key at or after it starts with it.
    this.#listFrom = db.prepare<[string, string, string, string, number, number], ItemRow>(
      `SELECT ${COLUMNS} FROM state_items WHERE ${where} AND key >= ? AND key > ? AND ${LIVE} ORDER BY key LIMIT ?`,
    );
    this.#upsert = db.prepare<UpsertParams>(
      `INSERT INTO state_items (partition_id, kind, key, value, etag, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (partition_id, kind, key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at, expires_at = excluded.expires_at`,
    );
    this.#delete = db.prepare<Address>(`DELETE FROM state_items WHERE ${where} AND key = ?`);
    this.#sweep = db.prepare<[number, number]>(
      'DELETE FROM state_items WHERE (partition_id, kind, key) IN (SELECT partition_id, kind, key FROM state_items WHERE expires_at <= ? LIMIT ?)',
    );
  }

  async get(partition: string, kind: string, key: string): Promise<StateItem | undefined> {
    checkAddress(partition, kind, key);
    const row = guard(this.#db, () => this.#get.get(partition, kind, key, this.#now()));
    return row && toItem(partition, kind, row);
  }

  async getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]> {
    checkPartitionKind(partition, kind);
    for (const key of keys) checkKey(key);
    if (keys.length === 0) return [];
    const rows = guard(this.#db, () => this.#getMany.all(partition, kind, JSON.stringify([...new Set(keys)]), this.#now()));
    return rows.map((row) => toItem(partition, kind, row));
  }

  async put(partition: string, kind: string, key: string, value: unknown, options?: PutOptions): Promise<StateItem> {
    checkAddress(partition, kind, key);
    checkPutOptions(options);
    const json = serializeValue(value);
    return this.#commits.run(() => {
      const now = this.#clock.now();
      const current = this.#live(partition, kind, key, now.getTime());
      if (options?.ifNoneMatch === '*' && current) throw new KernelError('precondition_failed', `state item ${kind}/${key} already exists`);
      if (options?.ifMatch !== undefined && current?.etag !== options.ifMatch) {
        throw new KernelError('precondition_failed', `state item ${kind}/${key} ${current ? 'has changed' : 'does not exist'}`);
      }
      const row: ItemRow = { key, value: json, etag: newEtag(), updated_at: now.toISOString(), expires_at: null };
      this.#upsert.run(partition, kind, key, row.value, row.etag, row.updated_at, null);
      return toItem(partition, kind, row);
    });
  }

  async delete(partition: string, kind: string, key: string, options?: { ifMatch?: string }): Promise<boolean> {
    checkAddress(partition, kind, key);
    checkPutOptions(options);
    return this.#commits.run(() => {
      const current = this.#live(partition, kind, key, this.#now());
      if (options?.ifMatch !== undefined && current?.etag !== options.ifMatch) {
        throw new KernelError('precondition_failed', `state item ${kind}/${key} ${current ? 'has changed' : 'does not exist'}`);
      }
      // An expired row goes too, but was not there as far as the caller can tell.
      this.#delete.run(partition, kind, key);
      return current !== undefined;
    });
  }

  async list(partition: string, kind: string, options: StateListOptions): Promise<StateItem[]> {
    checkPartitionKind(partition, kind);
    const limit = checkLimit(options.limit);
    const now = this.#now();
    const prefix = options.keyPrefix ?? '';
    const after = options.afterKey ?? '';
    const rows = guard(this.#db, () => {
      if (prefix === '') return this.#listAll.all(partition, kind, after, now, limit);
      const bound = prefixUpperBound(prefix);
      return bound === undefined ? this.#listFrom.all(partition, kind, prefix, after, now, limit) : this.#listRange.all(partition, kind, prefix, bound, after, now, limit);
    });
    return rows.map((row) => toItem(partition, kind, row));
  }

  async increment(partition: string, kind: string, key: string, deltas: Readonly<Record<string, number>>, options?: { expiresAt?: Date }): Promise<void> {
    checkAddress(partition, kind, key);
    const entries = checkDeltas(deltas);
    const expiresAt = checkExpiresAt(options?.expiresAt);
    this.#increments += 1;
    const sweep = this.#increments % SWEEP_EVERY_INCREMENTS === 0;
    await this.#commits.run(() => {
      const now = this.#clock.now();
      const current = this.#live(partition, kind, key, now.getTime());
      const value = applyDeltas(current && parseValue(current), entries, `state item ${kind}/${key}`);
      // Without a new expiry, an existing item keeps its own.
      this.#upsert.run(partition, kind, key, JSON.stringify(value), newEtag(), now.toISOString(), expiresAt ?? current?.expires_at ?? null);
      if (sweep) this.#sweep.run(now.getTime(), SWEEP_ROWS);
    });
  }

  /** Delete up to `limit` expired rows now; resolves with how many went. */
  async purgeExpired(limit = 1000): Promise<number> {
    const rows = checkLimit(limit);
    return this.#commits.run(() => this.#sweep.run(this.#now(), rows).changes);
  }

  /** The current row unless missing or expired. Call inside a write. */
  #live(partition: string, kind: string, key: string, now: number): ItemRow | undefined {
    const row = this.#current.get(partition, kind, key);
    return row && !isExpired(row.expires_at, now) ? row : undefined;
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}

function toItem(partition: string, kind: string, row: ItemRow): StateItem {
  return { partition, kind, key: row.key, value: parseValue(row), etag: row.etag, updatedAt: row.updated_at };
}

/** A row that is not JSON is corruption, not data. */
function parseValue(row: ItemRow): unknown {
  try {
    return JSON.parse(row.value) as unknown;
  } catch (error) {
    throw new KernelError('internal', `state item ${row.key} is not valid JSON`, { cause: error });
  }
}
