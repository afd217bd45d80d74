/**
 * How kernel records are laid out as Cosmos documents, and how they are read back.
 *
 * An event record document is the record as is (its `id` is the Cosmos id, its `userId` the
 * partition key) plus `changeKey`, the per-user change feed's ordering field. An audit entry
 * document is the entry with its Cosmos id taken from its chain position (`chain-<seq>`: two
 * writers can never both create one seq, see cosmos-audit-log.ts) and the entry's own id moved
 * to `entryId`. Reading a document back is a boundary: the Cosmos system fields and our own
 * fields are removed and the rest is parsed with the kernel's schema, so a document that no
 * longer matches is reported as corruption rather than passed on.
 */
import { type AuditEntry, auditEntrySchema, type EventRecord, eventRecordSchema, KernelError } from '../../kernel/index.js';

export type EventDocument = EventRecord & { changeKey: string };
export type AuditDocument = Omit<AuditEntry, 'id'> & { id: string; entryId: string };

/** Properties Cosmos adds to every document it returns. */
const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'] as const;

/**
 * The position before every key: the cursor of a user who has no records yet. Keys start with a
 * four-digit year, which sorts after `0`.
 */
export const FIRST_KEY = '0';

/**
 * A change cursor is a `changeKey` (or FIRST_KEY); anything else is not one we handed out. At most
 * 256 printable characters, what the stream accepts back as Last-Event-ID (event ids are <= 128).
 */
export const CHANGE_CURSOR = /^(?:0|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z#\d{4}\|[\x21-\x7e]{1,226})$/;

/**
 * Ordering keys `<ISO instant, ms>#<4-digit counter>|<id>`: they sort (as strings, which is how
 * Cosmos compares them) in the order this instance issued them, and across instances by their
 * clocks. The counter orders writes within one millisecond; the id makes every key unique in
 * its partition, so "after this key" never skips a sibling with the same instant. If the clock
 * steps back, the last instant is reused and the counter keeps counting: keys never go backwards.
 */
export class OrderKeys {
  #lastMs = Number.NEGATIVE_INFINITY;
  #counter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(id: string): string {
    let ms = this.now();
    if (ms <= this.#lastMs) {
      ms = this.#lastMs;
      this.#counter += 1;
      if (this.#counter > 9999) {
        ms += 1;
        this.#counter = 0;
      }
    } else {
      this.#counter = 0;
    }
    this.#lastMs = ms;
    return `${new Date(ms).toISOString()}#${String(this.#counter).padStart(4, '0')}|${id}`;
  }
}

export function eventDocument(record: EventRecord, changeKey: string): EventDocument {
  return { ...record, changeKey };
}

/** The Cosmos id of the entry at `seq` in its user's chain (ids are unique per partition, i.e. per user). */
export function chainDocumentId(seq: number): string {
  return `chain-${seq}`;
}

/** A chained entry (seq assigned) as its document. */
export function auditDocument(entry: AuditEntry): AuditDocument {
  const { id, ...rest } = entry;
  if (rest.seq === undefined) throw new KernelError('internal', `audit entry ${id} has no chain position`);
  return { ...rest, id: chainDocumentId(rest.seq), entryId: id };
}

export function parseEventDocument(document: unknown): EventRecord {
  const parsed = eventRecordSchema.safeParse(strip(document, EVENT_STORED_FIELDS));
  if (!parsed.success) {
    throw new KernelError('internal', `event record document ${describe(document)} does not match the record schema`, { cause: parsed.error });
  }
  return parsed.data;
}

export function parseAuditDocument(document: unknown): AuditEntry {
  const parsed = auditEntrySchema.safeParse(entryOf(strip(document, AUDIT_STORED_FIELDS)));
  if (!parsed.success) {
    throw new KernelError('internal', `audit document ${describe(document)} does not match the audit schema`, { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * Run `task` for every item, at most `limit` at a time: a 10,000-event ingest batch must not
 * open 10,000 sockets at once, and one at a time would be slow.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    // After a failure, start nothing new: the caller gets the first error and retries the call.
    while (next < items.length && !failed) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const EVENT_STORED_FIELDS: ReadonlySet<string> = new Set([...SYSTEM_FIELDS, 'changeKey']);
// `appendKey`: the newest-first ordering field of entries written before the chain existed.
const AUDIT_STORED_FIELDS: ReadonlySet<string> = new Set([...SYSTEM_FIELDS, 'appendKey']);

/** The entry's own id back in `id`; a document from before the chain has no `entryId` and keeps its id. */
function entryOf(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || !('entryId' in document)) return document;
  const { entryId, ...rest } = document as Record<string, unknown>;
  return { ...rest, id: entryId };
}

/**
 * A copy without the system fields and our ordering field (what the SDK returned is not
 * mutated). Built key by key rather than copied and `delete`d: deleting switches the object to
 * slow dictionary mode, which made the schema parse that follows measurably slower.
 */
function strip(document: unknown, stored: ReadonlySet<string>): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) if (!stored.has(key)) copy[key] = value;
  return copy;
}

function describe(document: unknown): string {
  const candidate = typeof document === 'object' && document !== null ? (document as { id?: unknown; userId?: unknown }) : {};
  return `${JSON.stringify(candidate.userId ?? null)}/${JSON.stringify(candidate.id ?? null)}`;
}
