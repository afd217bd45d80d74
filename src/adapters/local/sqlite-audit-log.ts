/** AuditLog on SQLite: append-only rows in the shared database file, parsed on the way out. */
import { auditEntrySchema, type AuditEntry, type AuditLog } from '../../kernel/audit.js';
import { KernelError } from '../../kernel/errors.js';
import { guard, rowLimit, type SqliteDatabase } from './database.js';
import type { GroupCommit } from './group-commit.js';

interface EntryRow {
  seq: number;
  entry: string;
}

export class SqliteAuditLog implements AuditLog {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #insert;
  readonly #byUser;
  readonly #byEvent;

  constructor(db: SqliteDatabase, commits: GroupCommit) {
    this.#db = db;
    this.#commits = commits;
    this.#insert = db.prepare<[string, string, string]>('INSERT INTO audit_entries (user_id, event_id, entry) VALUES (?, ?, ?)');
    this.#byUser = db.prepare<[string, number], EntryRow>('SELECT seq, entry FROM audit_entries WHERE user_id = ? ORDER BY seq DESC LIMIT ?');
    this.#byEvent = db.prepare<[string, string, number], EntryRow>(
      'SELECT seq, entry FROM audit_entries WHERE user_id = ? AND event_id = ? ORDER BY seq DESC LIMIT ?',
    );
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length > 0) await this.#commits.run(() => this.appendInTransaction(entries));
  }

  /** Append inside the caller's transaction (the queue's settle); synchronous for the same reason. */
  appendInTransaction(entries: readonly AuditEntry[]): void {
    for (const entry of entries) this.#insert.run(entry.userId, entry.eventId, JSON.stringify(entry));
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    const rows = guard(this.#db, () =>
      query.eventId === undefined ? this.#byUser.all(userId, rowLimit(query.limit)) : this.#byEvent.all(userId, query.eventId, rowLimit(query.limit)),
    );
    return rows.map(parseEntry);
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
