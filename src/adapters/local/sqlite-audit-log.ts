/**
 * AuditLog on SQLite: append-only rows in the shared database file, parsed on the way out.
 *
 * Each user's hash chain (src/kernel/audit-chain.ts) is extended inside the write transaction:
 * read the user's head (one lookup on the unique (user_id, chain_seq) index), chain the entry,
 * insert. Writes to the file are serialized (BEGIN IMMEDIATE, whichever connection or thread
 * writes), so no two appends can read the same head; the unique index would refuse a second
 * entry at one seq regardless. The head is read from the database at the first append of a user
 * in a transaction and remembered only until that transaction ends or any part of it is rolled
 * back (GroupCommit.transaction): a group commit that fails is rolled back and redone, and a
 * longer memory would remember heads that were rolled back.
 *
 * Rows written before the chain existed have chain_seq NULL: `list` still shows them (after the
 * chained ones), `chain` does not.
 */
import { type AuditDraft, type AuditEntry, auditEntrySchema, type AuditLog, chainEntryWithText, type ChainHead, KernelError } from '../../kernel/index.js';
import { guard, rowLimit, type SqliteDatabase } from './database.js';
import type { GroupCommit } from './group-commit.js';

interface EntryRow {
  seq: number;
  entry: string;
}

interface HeadRow {
  chain_seq: number;
  hash: string | null;
}

export class SqliteAuditLog implements AuditLog {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #insert;
  readonly #head;
  readonly #byUser;
  readonly #byEvent;
  readonly #chain;
  /** Heads appended in the current transaction (`#headsOf`), so the next append of a user reads none. */
  readonly #heads = new Map<string, ChainHead>();
  #headsOf = -1;

  constructor(db: SqliteDatabase, commits: GroupCommit) {
    this.#db = db;
    this.#commits = commits;
    this.#insert = db.prepare<[string, string | null, number, string]>(
      'INSERT INTO audit_entries (user_id, event_id, chain_seq, entry) VALUES (?, ?, ?, ?)',
    );
    // The hash is read out of the entry itself: one source of truth, no column to keep in step.
    this.#head = db.prepare<[string], HeadRow>(
      "SELECT chain_seq, json_extract(entry, '$.hash') AS hash FROM audit_entries WHERE user_id = ? AND chain_seq > 0 ORDER BY chain_seq DESC LIMIT 1",
    );
    this.#byUser = db.prepare<[string, number], EntryRow>(
      'SELECT seq, entry FROM audit_entries WHERE user_id = ? ORDER BY chain_seq DESC, seq DESC LIMIT ?',
    );
    this.#byEvent = db.prepare<[string, string, number], EntryRow>(
      'SELECT seq, entry FROM audit_entries WHERE user_id = ? AND event_id = ? ORDER BY seq DESC LIMIT ?',
    );
    this.#chain = db.prepare<[string, number, number], EntryRow>(
      'SELECT seq, entry FROM audit_entries WHERE user_id = ? AND chain_seq > ? ORDER BY chain_seq LIMIT ?',
    );
  }

  async append(entries: readonly AuditDraft[]): Promise<void> {
    if (entries.length > 0) await this.#commits.run(() => this.appendInTransaction(entries));
  }

  /** Append inside the caller's transaction (the queue's settle); synchronous for the same reason. */
  appendInTransaction(drafts: readonly AuditDraft[]): void {
    if (this.#headsOf !== this.#commits.transaction) {
      this.#heads.clear();
      this.#headsOf = this.#commits.transaction;
    }
    for (const draft of drafts) {
      const { entry, text } = chainEntryWithText(draft, this.#heads.get(draft.userId) ?? this.#headOf(draft.userId));
      this.#insert.run(entry.userId, entry.eventId ?? null, entry.seq as number, text);
      this.#heads.set(entry.userId, { seq: entry.seq as number, hash: entry.hash as string });
    }
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    const rows = guard(this.#db, () =>
      query.eventId === undefined ? this.#byUser.all(userId, rowLimit(query.limit)) : this.#byEvent.all(userId, query.eventId, rowLimit(query.limit)),
    );
    return rows.map(parseEntry);
  }

  async chain(userId: string, query: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
    return guard(this.#db, () => this.#chain.all(userId, query.afterSeq, rowLimit(query.limit))).map(parseEntry);
  }

  #headOf(userId: string): ChainHead | undefined {
    const row = this.#head.get(userId);
    if (row === undefined) return undefined;
    // A head without a hash was damaged in place; chaining on to it would hide where.
    if (typeof row.hash !== 'string') throw new KernelError('internal', `the newest audit entry of ${userId} (seq ${row.chain_seq}) has no hash`);
    return { seq: row.chain_seq, hash: row.hash };
  }
}

function parseEntry(row: EntryRow): AuditEntry {
  let value: unknown;
  try {
    value = JSON.parse(row.entry);
  } catch (error) {
    throw new KernelError('internal', `audit row ${row.seq} is not valid JSON`, { cause: error });
  }
  const parsed = auditEntrySchema.safeParse(value);
  if (!parsed.success) throw new KernelError('internal', `audit row ${row.seq} does not match the audit schema`, { cause: parsed.error });
  return parsed.data;
}
