/**
 * In-memory EventStore and AuditLog: for unit tests and the kernel benchmark. Not durable.
 * Records are kept as JSON text, as a real store keeps them serialized: callers can never alias
 * stored state, and it is cheaper than cloning objects on every read and write.
 */
import type { AuditEntry, AuditLog } from '../../kernel/audit.js';
import { KernelError } from '../../kernel/errors.js';
import type { ChangePage, EventQuery, EventStore } from '../../kernel/ports/store.js';
import type { EventRecord } from '../../kernel/records.js';
import { matchesAny } from '../../kernel/type-pattern.js';

export class MemoryEventStore implements EventStore {
  readonly #records = new Map<string, string>();
  /** Change log for `changes`: sequence number per save, per user. */
  readonly #log: Array<{ seq: number; userId: string; id: string }> = [];
  #seq = 0;

  async get(userId: string, id: string): Promise<EventRecord | undefined> {
    const record = this.#records.get(key(userId, id));
    return record === undefined ? undefined : (JSON.parse(record) as EventRecord);
  }

  async getMany(userId: string, ids: readonly string[]): Promise<EventRecord[]> {
    return ids.flatMap((id) => {
      const record = this.#records.get(key(userId, id));
      return record === undefined ? [] : [JSON.parse(record) as EventRecord];
    });
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
    return [...this.#records.values()]
      .map((text) => JSON.parse(text) as EventRecord)
      .filter((record) => record.userId === userId)
      .filter((record) => matchesAny(query.types ?? [], record.type))
      .filter((record) => since === undefined || record.receivedAt >= since)
      .filter((record) => query.status === undefined || record.status === query.status)
      .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
      .slice(0, query.limit);
  }

  async changes(userId: string, cursor: string | undefined, limit: number): Promise<ChangePage> {
    const after = cursor === undefined ? this.#seq : Number(cursor);
    if (!Number.isSafeInteger(after) || after < 0) throw new KernelError('invalid_input', `"${cursor}" is not a change cursor`);
    const entries = this.#log.filter((entry) => entry.seq > after && entry.userId === userId).slice(0, limit);
    const records = entries.flatMap((entry) => {
      const record = this.#records.get(key(entry.userId, entry.id));
      return record === undefined ? [] : [JSON.parse(record) as EventRecord];
    });
    const last = entries.at(-1)?.seq ?? (cursor === undefined ? this.#seq : after);
    return { records, cursor: String(last) };
  }

  #write(record: EventRecord): void {
    this.#records.set(key(record.userId, record.id), JSON.stringify(record));
    this.#seq += 1;
    this.#log.push({ seq: this.#seq, userId: record.userId, id: record.id });
    if (this.#log.length > 100_000) this.#log.splice(0, 50_000);
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly #entries: Array<{ userId: string; eventId: string; text: string }> = [];

  async append(entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) this.#entries.push({ userId: entry.userId, eventId: entry.eventId, text: JSON.stringify(entry) });
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    return this.#entries
      .filter((entry) => entry.userId === userId && (query.eventId === undefined || entry.eventId === query.eventId))
      .reverse()
      .slice(0, query.limit)
      .map((entry) => JSON.parse(entry.text) as AuditEntry);
  }
}

function key(userId: string, id: string): string {
  return `${userId}\n${id}`;
}
