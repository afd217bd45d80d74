/**
 * EventStore on Cosmos DB for NoSQL: one document per (userId, event id) in the `events`
 * container, partition key `/userId`, so every operation stays inside one user's partition.
 * Queries are parameterized (`@name` values); the query text is built only from fixed fragments
 * and parameter names, never from a value.
 *
 * Concurrency rule for `save` (the processor's write), which makes "the processor's write wins"
 * hold when two deliveries of one event race (a lock lost mid-run, a redelivery):
 * - a record with a final status (processed, failed, dead_lettered, denied) is upserted: it
 *   replaces whatever is there, including another final status (last final write wins; both
 *   come from complete runs and the bus converges them);
 * - an `accepted` record (a retry in progress) replaces the stored one only if that is still
 *   `accepted` and from no later attempt. It is read, judged, and replaced with `IfMatch` on the
 *   ETag it was judged by; if another write got in between (412, or 409 on a create), it is
 *   judged again against what that write stored. A stale `accepted` is dropped silently: the
 *   later write already says more.
 * `insertAccepted` only creates (409 ignored), so an ingest never overwrites anything.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import { type ChangePage, type EventQuery, type EventRecord, type EventStore, FINAL_STATUSES, isKernelError, KernelError } from '../../kernel/index.js';
import { CHANGE_CURSOR, FIRST_KEY, OrderKeys, eventDocument, forEachLimited, parseEventDocument, type EventDocument } from './cosmos-documents.js';
import { cosmosCall } from './cosmos-errors.js';

/** Parallel point writes per insertAccepted call. */
const WRITE_CONCURRENCY = 16;
/** Ids per ARRAY_CONTAINS query: keeps the query well under Cosmos's parameter and text limits. */
const IDS_PER_QUERY = 256;
/** Read-judge-replace rounds before giving up with a retryable precondition_failed. */
const MAX_SAVE_ROUNDS = 5;

export interface CosmosEventStoreOptions {
  /** Clock for change keys (milliseconds since the epoch); `Date.now` by default. */
  now?: () => number;
}

/**
 * `changes` is a per-user feed over `changeKey`, a field every write sets (see OrderKeys): a
 * cursor is the last key returned, and a page is the next keys in order. The undefined cursor is
 * the user's newest key at the time of the call ("from now" without trusting the reader's clock).
 * Caveat, which only the real Cosmos change feed (not provable on the protocol server) would
 * remove: keys come from the writers' clocks, so a write from a host whose clock is behind, or a
 * write still in flight while a reader passes its instant, can sort before a cursor already
 * handed out, and that stream will not see it. Live streams accept this; nothing that must see
 * every change (dedupe, status) reads the feed.
 */
export class CosmosEventStore implements EventStore {
  readonly #container: Container;
  readonly #keys: OrderKeys;

  constructor(container: Container, options: CosmosEventStoreOptions = {}) {
    this.#container = container;
    this.#keys = new OrderKeys(options.now);
  }

  async get(userId: string, id: string): Promise<EventRecord | undefined> {
    // A point read answers 404 with an empty response rather than throwing.
    const response = await cosmosCall('read event record', () => this.#container.item(id, userId).read<EventDocument>());
    return response.resource === undefined ? undefined : parseEventDocument(response.resource);
  }

  async getMany(userId: string, ids: readonly string[]): Promise<EventRecord[]> {
    const unique = [...new Set(ids)];
    const chunks: string[][] = [];
    for (let start = 0; start < unique.length; start += IDS_PER_QUERY) chunks.push(unique.slice(start, start + IDS_PER_QUERY));
    const pages = await Promise.all(
      chunks.map((chunk) =>
        this.#query('read event records by id', 'SELECT * FROM c WHERE c.userId = @userId AND ARRAY_CONTAINS(@ids, c.id)', userId, [{ name: '@ids', value: chunk }], chunk.length),
      ),
    );
    const byId = new Map(pages.flat().map((document) => parseEventDocument(document)).map((record) => [record.id, record]));
    // Same order as asked, as the other adapters answer.
    return ids.flatMap((id) => {
      const record = byId.get(id);
      return record ? [record] : [];
    });
  }

  async insertAccepted(records: readonly EventRecord[]): Promise<void> {
    await forEachLimited(records, WRITE_CONCURRENCY, async (record) => {
      try {
        await cosmosCall('create event record', () => this.#container.items.create(eventDocument(record, this.#keys.next(record.id))));
      } catch (error) {
        // Already there: the processor (or an earlier ingest of the same event) wrote first.
        if (!isKernelError(error, 'conflict')) throw error;
      }
    });
  }

  async save(record: EventRecord): Promise<void> {
    if (FINAL_STATUSES.has(record.status)) {
      await cosmosCall('save event record', () => this.#container.items.upsert(eventDocument(record, this.#keys.next(record.id))));
      return;
    }
    for (let round = 1; ; round += 1) {
      try {
        await this.#saveAcceptedOnce(record);
        return;
      } catch (error) {
        // Another write came between our read and our write: judge again against it.
        const raced = isKernelError(error, 'precondition_failed') || isKernelError(error, 'conflict');
        if (!raced) throw error;
        if (round >= MAX_SAVE_ROUNDS) {
          throw new KernelError('precondition_failed', `event record ${record.id} kept changing while it was saved`, { cause: error });
        }
      }
    }
  }

  /**
   * One ORDER BY property (a second would need a composite index on real Cosmos, which existing
   * containers lack), so the query alone leaves records received in the same millisecond in no
   * defined order. The port's order (receivedAt, then id, descending) is restored here: a page
   * holds every match newer than its last millisecond, and when the page is full, that
   * millisecond, which the limit may have cut anywhere, is read again in id order and merged.
   * A full page therefore costs a second, small query.
   */
  async list(userId: string, query: EventQuery): Promise<EventRecord[]> {
    const limit = checkLimit(query.limit);
    if (limit === 0) return [];
    const { where, parameters } = listFilter(query);
    parameters.push({ name: '@limit', value: limit });
    const sql = `SELECT TOP @limit * FROM c WHERE ${where.join(' AND ')} ORDER BY c.receivedAt DESC`;
    const page = (await this.#query('list event records', sql, userId, parameters, limit)).map((document) => parseEventDocument(document));
    const edge = page.at(-1)?.receivedAt;
    if (page.length < limit || edge === undefined) return page.sort(newerFirst);
    const tied = await this.#query(
      'list event records received together',
      `SELECT TOP @limit * FROM c WHERE ${where.join(' AND ')} AND c.receivedAt = @edge ORDER BY c.id DESC`,
      userId,
      [...parameters, { name: '@edge', value: edge }],
      limit,
    );
    const newer = page.filter((record) => record.receivedAt !== edge);
    return [...newer, ...tied.map((document) => parseEventDocument(document))].sort(newerFirst).slice(0, limit);
  }

  async changes(userId: string, cursor: string | undefined, limit: number): Promise<ChangePage> {
    if (cursor === undefined) {
      const latest = await this.#query('read the latest change', 'SELECT TOP 1 VALUE c.changeKey FROM c WHERE c.userId = @userId ORDER BY c.changeKey DESC', userId, [], 1);
      const key = latest[0];
      return { records: [], cursor: typeof key === 'string' && CHANGE_CURSOR.test(key) ? key : FIRST_KEY };
    }
    if (!CHANGE_CURSOR.test(cursor)) throw new KernelError('invalid_input', 'not a change cursor this store handed out', { details: { cursor: cursor.slice(0, 300) } });
    const top = checkLimit(limit);
    if (top === 0) return { records: [], cursor };
    const documents = await this.#query(
      'read changes',
      'SELECT TOP @limit * FROM c WHERE c.userId = @userId AND c.changeKey > @after ORDER BY c.changeKey ASC',
      userId,
      [{ name: '@limit', value: top }, { name: '@after', value: cursor }],
      top,
    );
    const records = documents.map((document) => parseEventDocument(document));
    const last = documents.at(-1) as { changeKey?: unknown } | undefined;
    const next = typeof last?.changeKey === 'string' && CHANGE_CURSOR.test(last.changeKey) ? last.changeKey : undefined;
    if (last !== undefined && next === undefined) throw new KernelError('internal', 'an event record document has no valid changeKey');
    return { records, cursor: next ?? cursor };
  }

  /** One attempt of the `accepted` rule; throws conflict or precondition_failed on a race. */
  async #saveAcceptedOnce(record: EventRecord): Promise<void> {
    const item = this.#container.item(record.id, record.userId);
    const current = await cosmosCall('read event record', () => item.read<EventDocument>());
    if (current.resource === undefined) {
      await cosmosCall('create event record', () => this.#container.items.create(eventDocument(record, this.#keys.next(record.id))));
      return;
    }
    const stored = parseEventDocument(current.resource);
    if (FINAL_STATUSES.has(stored.status) || stored.attempts > record.attempts) return;
    try {
      await cosmosCall('replace event record', () =>
        item.replace(eventDocument(record, this.#keys.next(record.id)), { accessCondition: { type: 'IfMatch', condition: current.etag } }),
      );
    } catch (error) {
      // Deleted since we read it: also a race, judged again (and then created).
      if (isKernelError(error, 'not_found')) throw new KernelError('precondition_failed', `event record ${record.id} was deleted while it was saved`, { cause: error });
      throw error;
    }
  }

  /** A single-partition query; `expected` sizes the page so most answers take one round trip. */
  async #query(operation: string, query: string, userId: string, parameters: SqlParameter[], expected: number): Promise<unknown[]> {
    const spec = { query, parameters: [{ name: '@userId', value: userId }, ...parameters] };
    const options = { partitionKey: userId, maxItemCount: Math.min(Math.max(expected, 1), 1000) };
    const response = await cosmosCall(operation, () => this.#container.items.query<unknown>(spec, options).fetchAll());
    return response.resources;
  }
}

/** The WHERE clause of a list, from fixed fragments and parameter names only. */
function listFilter(query: EventQuery): { where: string[]; parameters: SqlParameter[] } {
  const where = ['c.userId = @userId'];
  const parameters: SqlParameter[] = [];
  const patterns = query.types ?? [];
  // `*` matches everything, so a filter containing it is no filter at all.
  if (patterns.length > 0 && !patterns.includes('*')) {
    const alternatives = patterns.map((pattern, index) => {
      const name = `@type${index}`;
      // `demo.*` matches `demo.ping` but neither `demo` nor `demox.ping`: keep the dot.
      const prefix = pattern.endsWith('.*');
      parameters.push({ name, value: prefix ? pattern.slice(0, -1) : pattern });
      return prefix ? `STARTSWITH(c.type, ${name})` : `c.type = ${name}`;
    });
    where.push(`(${alternatives.join(' OR ')})`);
  }
  if (query.since !== undefined) {
    where.push('c.receivedAt >= @since');
    parameters.push({ name: '@since', value: query.since.toISOString() });
  }
  if (query.until !== undefined) {
    where.push('c.receivedAt < @until');
    parameters.push({ name: '@until', value: query.until.toISOString() });
  }
  if (query.before !== undefined) {
    where.push('(c.receivedAt < @beforeAt OR (c.receivedAt = @beforeAt AND c.id < @beforeId))');
    parameters.push({ name: '@beforeAt', value: query.before.receivedAt }, { name: '@beforeId', value: query.before.id });
  }
  if (query.status !== undefined) {
    where.push('c.status = @status');
    parameters.push({ name: '@status', value: query.status });
  }
  return { where, parameters };
}

/** The port's list order (EventPosition): receivedAt, then id, descending; ids are ASCII. */
function newerFirst(a: EventRecord, b: EventRecord): number {
  if (a.receivedAt !== b.receivedAt) return a.receivedAt < b.receivedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new KernelError('invalid_input', `limit must be a non-negative integer, got ${limit}`);
  return limit;
}
