/**
 * AuditLog on Cosmos DB: one document per entry in the `audit` container (partition key
 * `/userId`, Cosmos id = entry id). Append-only: entries are created, never replaced.
 *
 * "Newest first" means in append order, not by the entry's `at` (entries of one decision share
 * it), so each entry gets an `appendKey` (see OrderKeys) in the order it was passed; listing
 * sorts by that key, descending.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { AuditEntry, AuditLog } from '../../kernel/audit.js';
import { KernelError, isKernelError } from '../../kernel/errors.js';
import { OrderKeys, auditDocument, forEachLimited, parseAuditDocument } from './cosmos-documents.js';
import { cosmosCall } from './cosmos-errors.js';

const WRITE_CONCURRENCY = 16;

export interface CosmosAuditLogOptions {
  /** Clock for append keys (milliseconds since the epoch); `Date.now` by default. */
  now?: () => number;
}

export class CosmosAuditLog implements AuditLog {
  readonly #container: Container;
  readonly #keys: OrderKeys;

  constructor(container: Container, options: CosmosAuditLogOptions = {}) {
    this.#container = container;
    this.#keys = new OrderKeys(options.now);
  }

  async append(entries: readonly AuditEntry[]): Promise<void> {
    // Keys are taken before the writes start, so they follow the order given even though the
    // writes run in parallel.
    const documents = entries.map((entry) => auditDocument(entry, this.#keys.next(entry.id)));
    await forEachLimited(documents, WRITE_CONCURRENCY, async (document) => {
      try {
        await cosmosCall('append audit entry', () => this.#container.items.create(document));
      } catch (error) {
        // The same entry id again is a retried append of the same decision (ids are random UUIDs):
        // keeping the first copy is what append-only means.
        if (!isKernelError(error, 'conflict')) throw error;
      }
    });
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
      throw new KernelError('invalid_input', `limit must be a non-negative integer, got ${query.limit}`);
    }
    if (query.limit === 0) return [];
    const parameters: SqlParameter[] = [{ name: '@userId', value: userId }, { name: '@limit', value: query.limit }];
    let filter = '';
    if (query.eventId !== undefined) {
      filter = ' AND c.eventId = @eventId';
      parameters.push({ name: '@eventId', value: query.eventId });
    }
    const spec = { query: `SELECT TOP @limit * FROM c WHERE c.userId = @userId${filter} ORDER BY c.appendKey DESC`, parameters };
    const options = { partitionKey: userId, maxItemCount: Math.min(query.limit, 1000) };
    const response = await cosmosCall('list audit entries', () => this.#container.items.query<unknown>(spec, options).fetchAll());
    return response.resources.map((document) => parseAuditDocument(document));
  }
}
