/**
 * StateStore on Cosmos DB for NoSQL: the `state` container, partition key `/userId` (the item's
 * partition), one document per (kind, key); layout in cosmos-state-documents.ts. ETags are
 * Cosmos's own `_etag`, checked by the service (`IfMatch` -> 412).
 *
 * Expiry: documents carry a per-item `ttl`, so Cosmos deletes them after a while, but "after a
 * while" is up to a second late (whole seconds) and deletion runs in the background; and the
 * protocol server used by the tests ignores TTL altogether. So every read also compares the
 * document's `expiresAt` with the clock, and every write treats an expired document as missing.
 *
 * `increment` reads the document first, then:
 * - missing: creates it with the deltas as values (409: someone else created it; go round again);
 * - expired: replaces it, `IfMatch` on what was read, with the deltas as fresh values
 *   (412/404: someone else got there first; go round again);
 * - otherwise: a patch of `incr` operations, without `IfMatch`, which the service applies
 *   atomically: concurrent increments on any number of instances never lose one (404: deleted
 *   meanwhile; go round again).
 * The read also lets a non-numeric field be refused before anything is written, and tells how
 * the TTL must be re-set (Cosmos counts it from the last write).
 */
import type { Container, PatchOperation, SqlParameter } from '@azure/cosmos';
import { type Clock, isKernelError, KernelError, type PutOptions, type StateItem, type StateListOptions, type StateStore, systemClock } from '../../kernel/index.js';
import {
  applyDeltas,
  checkAddress,
  checkDeltas,
  checkExpiresAt,
  checkKey,
  checkLimit,
  checkPartitionKind,
  checkPutOptions,
  incrementProblem,
  isExpired,
  serializeValue,
} from '../state-items.js';
import { cosmosCall } from './cosmos-errors.js';
import { parseStateDocument, stateDocument, stateDocumentId, toStateItem, ttlSeconds, type StateDocument, type StoredState } from './cosmos-state-documents.js';

/** Ids per ARRAY_CONTAINS query, as in the event store. */
const IDS_PER_QUERY = 256;
/** Rounds of an increment that keeps losing races before it gives up (retryable). */
const MAX_INCREMENT_ROUNDS = 20;

export interface CosmosStateStoreOptions {
  /** Decides expiry and `updatedAt`; the system clock by default. */
  clock?: Clock;
}

export class CosmosStateStore implements StateStore {
  readonly #container: Container;
  readonly #clock: Clock;

  constructor(container: Container, options: CosmosStateStoreOptions = {}) {
    this.#container = container;
    this.#clock = options.clock ?? systemClock;
  }

  async get(partition: string, kind: string, key: string): Promise<StateItem | undefined> {
    checkAddress(partition, kind, key);
    const stored = await this.#read(partition, kind, key);
    return stored && !this.#expired(stored) ? toStateItem(stored) : undefined;
  }

  async getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]> {
    checkPartitionKind(partition, kind);
    for (const key of keys) checkKey(key);
    const ids = [...new Set(keys.map((key) => stateDocumentId(kind, key)))];
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) chunks.push(ids.slice(start, start + IDS_PER_QUERY));
    const pages = await Promise.all(
      chunks.map((chunk) =>
        this.#query('read state items by key', 'SELECT * FROM c WHERE c.userId = @userId AND ARRAY_CONTAINS(@ids, c.id)', partition, [{ name: '@ids', value: chunk }], chunk.length),
      ),
    );
    return pages
      .flat()
      .map((document) => parseStateDocument(document))
      .filter((stored) => stored.kind === kind && !this.#expired(stored))
      .map(toStateItem);
  }

  async put(partition: string, kind: string, key: string, value: unknown, options?: PutOptions): Promise<StateItem> {
    checkAddress(partition, kind, key);
    checkPutOptions(options);
    serializeValue(value);
    const document = stateDocument(partition, kind, key, value, this.#clock.now(), undefined);
    const items = this.#container.items;
    if (options?.ifMatch !== undefined) {
      // Read first: Cosmos would accept the ETag of an expired document it has not deleted yet.
      const current = this.#live(await this.#read(partition, kind, key));
      if (current?._etag !== options.ifMatch) throw stale(kind, key, current !== undefined);
      return this.#replace(document, options.ifMatch, () => stale(kind, key, true));
    }
    if (options?.ifNoneMatch === '*') {
      try {
        return written(await cosmosCall('create state item', () => items.create(document)), kind, key);
      } catch (error) {
        if (!isKernelError(error, 'conflict')) throw error;
      }
      // There is one: unless it has expired, the write is refused.
      const current = await this.#read(partition, kind, key);
      if (current === undefined || !this.#expired(current)) throw new KernelError('precondition_failed', `state item ${kind}/${key} already exists`);
      return this.#replace(document, current._etag, () => new KernelError('precondition_failed', `state item ${kind}/${key} was written concurrently`));
    }
    return written(await cosmosCall('write state item', () => items.upsert(document)), kind, key);
  }

  async delete(partition: string, kind: string, key: string, options?: { ifMatch?: string }): Promise<boolean> {
    checkAddress(partition, kind, key);
    checkPutOptions(options);
    const read = await this.#read(partition, kind, key);
    const current = this.#live(read);
    if (options?.ifMatch !== undefined && current?._etag !== options.ifMatch) throw stale(kind, key, current !== undefined);
    if (read === undefined) return false;
    const item = this.#container.item(read.id, partition);
    try {
      const condition = options?.ifMatch === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: options.ifMatch } };
      await cosmosCall('delete state item', () => item.delete(condition));
    } catch (error) {
      if (options?.ifMatch !== undefined && (isKernelError(error, 'precondition_failed') || isKernelError(error, 'not_found'))) throw stale(kind, key, true);
      if (!isKernelError(error, 'not_found')) throw error;
      return false;
    }
    // An expired document is removed too, but was not there as far as the caller can tell.
    return current !== undefined;
  }

  async list(partition: string, kind: string, options: StateListOptions): Promise<StateItem[]> {
    checkPartitionKind(partition, kind);
    const limit = checkLimit(options.limit);
    if (limit === 0) return [];
    const parameters: SqlParameter[] = [
      { name: '@kind', value: kind },
      { name: '@now', value: this.#clock.now().getTime() },
      { name: '@limit', value: limit },
    ];
    // Fixed clauses, each value a parameter.
    let filters = '';
    if (options.keyPrefix !== undefined && options.keyPrefix !== '') {
      filters = ' AND STARTSWITH(c.key, @prefix)';
      parameters.push({ name: '@prefix', value: options.keyPrefix });
    }
    if (options.afterKey !== undefined) {
      filters += ' AND c.key > @after';
      parameters.push({ name: '@after', value: options.afterKey });
    }
    const sql = `SELECT TOP @limit * FROM c WHERE c.userId = @userId AND c.kind = @kind${filters} AND (NOT IS_DEFINED(c.expiresAt) OR c.expiresAt > @now) ORDER BY c.key`;
    const documents = await this.#query('list state items', sql, partition, parameters, limit);
    return documents.map((document) => toStateItem(parseStateDocument(document)));
  }

  async increment(partition: string, kind: string, key: string, deltas: Readonly<Record<string, number>>, options?: { expiresAt?: Date }): Promise<void> {
    checkAddress(partition, kind, key);
    const entries = checkDeltas(deltas);
    const expiresAt = checkExpiresAt(options?.expiresAt);
    const address = `state item ${kind}/${key}`;
    for (let round = 1; round <= MAX_INCREMENT_ROUNDS; round += 1) {
      const read = await this.#read(partition, kind, key);
      const now = this.#clock.now();
      let write: () => Promise<unknown>;
      if (read === undefined) {
        const document = stateDocument(partition, kind, key, applyDeltas(undefined, entries, address), now, expiresAt);
        write = () => cosmosCall('create state item', () => this.#container.items.create(document));
      } else if (this.#expired(read)) {
        const document = stateDocument(partition, kind, key, applyDeltas(undefined, entries, address), now, expiresAt);
        const condition = { accessCondition: { type: 'IfMatch', condition: read._etag } };
        write = () => cosmosCall('restart expired state item', () => this.#container.item(read.id, partition).replace(document, condition));
      } else {
        const problem = incrementProblem(read.value, entries, address);
        if (problem) throw problem;
        write = () => this.#patch(read, entries, expiresAt, now);
      }
      try {
        await write();
        return;
      } catch (error) {
        // Lost a race (created, replaced or deleted by someone else since the read): read again.
        if (isKernelError(error, 'conflict') || isKernelError(error, 'precondition_failed') || isKernelError(error, 'not_found')) continue;
        // Cosmos refuses (400) to add to a non-number someone wrote since the read: say so as the other adapters do.
        if (isKernelError(error, 'internal')) throw (await this.#whyRefused(partition, kind, key, entries, address)) ?? error;
        throw error;
      }
    }
    throw new KernelError('precondition_failed', `${address} kept changing while it was incremented`);
  }

  async #patch(read: StoredState, entries: ReadonlyArray<readonly [string, number]>, expiresAt: number | undefined, now: Date): Promise<void> {
    const operations: PatchOperation[] = entries.map(([field, delta]) => ({ op: 'incr', path: `/value/${field}`, value: delta }));
    operations.push({ op: 'set', path: '/updatedAt', value: now.toISOString() });
    // Without a new expiry the item keeps its own; either way the TTL counts from this write.
    const expiry = expiresAt ?? read.expiresAt;
    if (expiry !== undefined) operations.push({ op: 'set', path: '/ttl', value: ttlSeconds(expiry, now.getTime()) });
    if (expiresAt !== undefined && expiresAt !== read.expiresAt) operations.push({ op: 'set', path: '/expiresAt', value: expiresAt });
    await cosmosCall('increment state item', () => this.#container.item(read.id, read.userId).patch(operations));
  }

  /** After a failed patch: the invalid_input a concurrent write of a non-number now causes, if that is why. */
  async #whyRefused(partition: string, kind: string, key: string, entries: ReadonlyArray<readonly [string, number]>, address: string): Promise<KernelError | undefined> {
    try {
      const current = this.#live(await this.#read(partition, kind, key));
      return current && incrementProblem(current.value, entries, address);
    } catch {
      return undefined;
    }
  }

  async #replace(document: StateDocument, etag: string, onRace: () => KernelError): Promise<StateItem> {
    const item = this.#container.item(document.id, document.userId);
    try {
      return written(await cosmosCall('replace state item', () => item.replace(document, { accessCondition: { type: 'IfMatch', condition: etag } })), document.kind, document.key);
    } catch (error) {
      // 404 on a replace: deleted since it was read; as stale as a changed ETag.
      if (isKernelError(error, 'precondition_failed') || isKernelError(error, 'not_found')) throw onRace();
      throw error;
    }
  }

  async #read(partition: string, kind: string, key: string): Promise<StoredState | undefined> {
    // A point read answers 404 with an empty response rather than throwing.
    const response = await cosmosCall('read state item', () => this.#container.item(stateDocumentId(kind, key), partition).read());
    return response.resource === undefined ? undefined : parseStateDocument(response.resource, { kind, key });
  }

  #live(stored: StoredState | undefined): StoredState | undefined {
    return stored && !this.#expired(stored) ? stored : undefined;
  }

  #expired(stored: StoredState): boolean {
    return isExpired(stored.expiresAt, this.#clock.now().getTime());
  }

  async #query(operation: string, query: string, partition: string, parameters: SqlParameter[], expected: number): Promise<unknown[]> {
    const spec = { query, parameters: [{ name: '@userId', value: partition }, ...parameters] };
    const options = { partitionKey: partition, maxItemCount: Math.min(Math.max(expected, 1), 1000) };
    const response = await cosmosCall(operation, () => this.#container.items.query<unknown>(spec, options).fetchAll());
    return response.resources;
  }
}

function stale(kind: string, key: string, exists: boolean): KernelError {
  return new KernelError('precondition_failed', `state item ${kind}/${key} ${exists ? 'has changed' : 'does not exist'}`);
}

/** The item a create, upsert or replace stored, from the service's answer. */
function written(response: { resource?: unknown }, kind: string, key: string): StateItem {
  if (response.resource === undefined) throw new KernelError('internal', `Cosmos DB answered a write of state item ${kind}/${key} without the document`);
  return toStateItem(parseStateDocument(response.resource, { kind, key }));
}
