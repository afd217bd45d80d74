/**
 * In-memory EventStore and AuditLog: for unit tests and the kernel benchmark. Not durable.
 *
 * A written record is kept as it is, frozen (freezeRecord says which parts): the store takes it
 * over (see the port), and a writer that changed it afterwards would throw (this code runs in
 * strict mode) rather than silently change stored state. Reads hand out copies, as the durable stores do. So a write
 * costs a freeze instead of a serialization, which keeps this adapter's cost out of the kernel
 * benchmark (the processor reads a record back only on a redelivery); the durable stores' costs
 * are measured where they run, in the embedded and Cosmos benches. Audit rows stay JSON text,
 * because tests tamper with them as a store's rows.
 */
import { type AuditDraft, type AuditEntry, auditEntrySchema, type AuditLog, chainEntryWithText, type ChangePage, type EventPosition, type EventQuery, type EventRecord, type EventStore, KernelError, matchesAny } from '../../kernel/index.js';

export class MemoryEventStore implements EventStore {
  readonly #records = new Map<string, EventRecord>();
  /** Change log for `changes`: sequence number per save, per user. */
  readonly #log: Array<{ seq: number; userId: string; id: string }> = [];
  #seq = 0;

  async get(userId: string, id: string): Promise<EventRecord | undefined> {
    return copy(this.#records.get(key(userId, id)));
  }

  async getMany(userId: string, ids: readonly string[]): Promise<EventRecord[]> {
    return ids.flatMap((id) => copy(this.#records.get(key(userId, id))) ?? []);
  }

  async insertAccepted(records: readonly EventRecord[]): Promise<void> {
    for (const record of records) {
      if (!this.#records.has(key(record.userId, record.id))) this.#write(record);
    }
  }

  async save(record: EventRecord): Promise<void> {
    this.#write(record);
  }

  async list(userId: string, query: EventQuery): Promise<EventRecord[]> {
    const since = query.since?.toISOString();
    const until = query.until?.toISOString();
    const { before } = query;
    return [...this.#records.values()]
      .filter((record) => record.userId === userId)
      .filter((record) => matchesAny(query.types ?? [], record.type))
      .filter((record) => since === undefined || record.receivedAt >= since)
      .filter((record) => until === undefined || record.receivedAt < until)
      .filter((record) => before === undefined || newerFirst(record, before) > 0)
      .filter((record) => query.status === undefined || record.status === query.status)
      .sort(newerFirst)
      .slice(0, query.limit)
      .map((record) => structuredClone(record));
  }

  async changes(userId: string, cursor: string | undefined, limit: number): Promise<ChangePage> {
    const after = cursor === undefined ? this.#seq : Number(cursor);
    if (!Number.isSafeInteger(after) || after < 0) throw new KernelError('invalid_input', `"${cursor}" is not a change cursor`);
    const entries = this.#log.filter((entry) => entry.seq > after && entry.userId === userId).slice(0, limit);
    const records = entries.flatMap((entry) => copy(this.#records.get(key(entry.userId, entry.id))) ?? []);
    const last = entries.at(-1)?.seq ?? (cursor === undefined ? this.#seq : after);
    return { records, cursor: String(last) };
  }

  #write(record: EventRecord): void {
    this.#records.set(key(record.userId, record.id), freezeRecord(record));
    this.#seq += 1;
    this.#log.push({ seq: this.#seq, userId: record.userId, id: record.id });
    if (this.#log.length > 100_000) this.#log.splice(0, 50_000);
  }
}

/**
 * One stored audit entry: its chain position, hash and event id (what appends and queries read)
 * and the entry as JSON text. Exposed only so tests can tamper with what is "on disk".
 */
export interface MemoryAuditRow {
  seq: number;
  hash: string;
  eventId: string | undefined;
  text: string;
}

export interface MemoryAuditLogOptions {
  /** The storage, per user, oldest first; pass a map to reach the rows from a test. */
  rows?: Map<string, MemoryAuditRow[]>;
}

export class MemoryAuditLog implements AuditLog {
  readonly #rows: Map<string, MemoryAuditRow[]>;

  constructor(options: MemoryAuditLogOptions = {}) {
    this.#rows = options.rows ?? new Map<string, MemoryAuditRow[]>();
  }

  // Synchronous from start to end: appends never interleave, so each chain stays linear, also
  // with several logs over one `rows` map (the head is read from the rows, not cached).
  async append(drafts: readonly AuditDraft[]): Promise<void> {
    for (const draft of drafts) {
      let rows = this.#rows.get(draft.userId);
      if (rows === undefined) this.#rows.set(draft.userId, (rows = []));
      const last = rows.at(-1);
      const { entry, text } = chainEntryWithText(draft, last && { seq: last.seq, hash: last.hash });
      rows.push({ seq: entry.seq as number, hash: entry.hash as string, eventId: entry.eventId, text });
    }
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    return (this.#rows.get(userId) ?? [])
      .filter((row) => query.eventId === undefined || row.eventId === query.eventId)
      .reverse()
      .slice(0, Math.max(0, query.limit))
      .map(parseRow);
  }

  async chain(userId: string, query: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
    return (this.#rows.get(userId) ?? [])
      .filter((row) => row.seq > query.afterSeq)
      .slice(0, Math.max(0, query.limit))
      .map(parseRow);
  }
}

/** A store read is a boundary: parsed with the schema, as the durable adapters do. */
function parseRow(row: MemoryAuditRow): AuditEntry {
  const parsed = auditEntrySchema.safeParse(JSON.parse(row.text));
  if (!parsed.success) throw new KernelError('internal', `audit row ${row.seq} does not match the audit schema`, { cause: parsed.error });
  return parsed.data;
}

/** A mutable copy for the caller (structuredClone does not carry the freeze over). */
function copy(record: EventRecord | undefined): EventRecord | undefined {
  return record === undefined ? undefined : structuredClone(record);
}

/**
 * Freezes what a writer builds and might touch again: the record, its envelope, its driver runs
 * and id lists. The event's `data` and the decision are left alone: they come from elsewhere
 * (the message body, the authorizer) and freezing every nested object cost a quarter of the
 * kernel benchmark's store time.
 */
function freezeRecord(record: EventRecord): EventRecord {
  for (const run of record.drivers) {
    Object.freeze(run.emitted);
    Object.freeze(run);
  }
  Object.freeze(record.drivers);
  Object.freeze(record.children);
  Object.freeze(record.event);
  return Object.freeze(record);
}

/** The list order (see EventPosition): negative when `a` comes first. Ids are ASCII, so `<` is code point order, as SQLite and Cosmos compare. */
function newerFirst(a: EventPosition, b: EventPosition): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function key(userId: string, id: string): string {
  return `${userId}\n${id}`;
}
