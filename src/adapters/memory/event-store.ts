/** In-memory EventStore and AuditLog: for unit tests and the kernel benchmark. Not durable. */
import type { AuditEntry, AuditLog } from '../../kernel/audit.js';
import { KernelError } from '../../kernel/errors.js';
import type { ChangePage, EventQuery, EventStore } from '../../kernel/ports/store.js';
import type { EventRecord } from '../../kernel/records.js';
import { matchesAny } from '../../kernel/type-pattern.js';

export class MemoryEventStore implements EventStore {
  readonly #records = new Map<string, EventRecord>();
  /** Change log for `changes`: sequence number per save, per user. */
  readonly #log: Array<{ seq: number; userId: string; id: string }> = [];
  #seq = 0;

  async get(userId: string, id: string): Promise<EventRecord | undefined> {
    const record = this.#records.get(key(userId, id));
    return record && structuredClone(record);
  }

  async getMany(userId: string, ids: readonly string[]): Promise<EventRecord[]> {
    return ids.flatMap((id) => {
      const record = this.#records.get(key(userId, id));
      return record ? [structuredClone(record)] : [];
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
      .filter((record) => record.userId === userId)
      .filter((record) => matchesAny(query.types ?? [], record.type))
      .filter((record) => since === undefined || record.receivedAt >= since)
      .filter((record) => query.status === undefined || record.status === query.status)
      .sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0))
      .slice(0, query.limit)
      .map((record) => structuredClone(record));
  }

  async changes(userId: string, cursor: string | undefined, limit: number): Promise<ChangePage> {
    const after = cursor === undefined ? this.#seq : Number(cursor);
    if (!Number.isSafeInteger(after) || after < 0) throw new KernelError('invalid_input', `"${cursor}" is not a change cursor`);
    const entries = this.#log.filter((entry) => entry.seq > after && entry.userId === userId).slice(0, limit);
    const records = entries.flatMap((entry) => {
      const record = this.#records.get(key(entry.userId, entry.id));
      return record ? [structuredClone(record)] : [];
    });
    const last = entries.at(-1)?.seq ?? (cursor === undefined ? this.#seq : after);
    return { records, cursor: String(last) };
  }

  #write(record: EventRecord): void {
    this.#records.set(key(record.userId, record.id), structuredClone(record));
    this.#seq += 1;
    this.#log.push({ seq: this.#seq, userId: record.userId, id: record.id });
    if (this.#log.length > 100_000) this.#log.splice(0, 50_000);
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly #entries: AuditEntry[] = [];

  async append(entries: readonly AuditEntry[]): Promise<void> {
    this.#entries.push(...entries.map((entry) => structuredClone(entry)));
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    return this.#entries
      .filter((entry) => entry.userId === userId && (query.eventId === undefined || entry.eventId === query.eventId))
      .reverse()
      .slice(0, query.limit)
      .map((entry) => structuredClone(entry));
  }
}

function key(userId: string, id: string): string {
  return `${userId}\n${id}`;
}
