/**
 * Item-level access to the `context` container for the ContextStore and its multi-item
 * operations: point reads and conditional writes by path, parameterized queries within one
 * user's partition, and creating missing parent folders. Every SDK call goes through
 * `cosmosCall`; callers branch on KernelError codes.
 */
import type { Container, ItemDefinition, SqlParameter } from '@azure/cosmos';
import { foldersAbove } from '../../kernel/context/index.js';
import { isKernelError, KernelError } from '../../kernel/index.js';
import { ENTRY_TYPE, entryId, folderItem, parseEntry, type StoredEntry } from './cosmos-context-documents.js';
import { cosmosCall } from './cosmos-errors.js';

/** Properties the service adds to every item; dropped before an item is written elsewhere. */
const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_ts', '_attachments'] as const;

/** A stored item as plain data, as written (an entry or a version). */
export type RawItem = Record<string, unknown> & { id: string; path: string; type: string };

export class ContextItems {
  readonly #container: Container;

  constructor(container: Container) {
    this.#container = container;
  }

  /** The entry at `path`, or undefined. */
  async read(userId: string, path: string): Promise<StoredEntry | undefined> {
    const raw = await this.readRaw(userId, entryId(path));
    return raw === undefined ? undefined : parseEntry(raw, path);
  }

  /** An item as stored (system properties included), or undefined. */
  async readRaw(userId: string, id: string): Promise<Record<string, unknown> | undefined> {
    // A point read answers 404 with an empty response rather than throwing.
    const response = await cosmosCall('read context item', () => this.#container.item(id, userId).read<Record<string, unknown>>());
    return response.resource;
  }

  /** Creates an entry; KernelError `conflict` when its id is taken. */
  async create(item: ItemDefinition & { id: string; path: string }): Promise<StoredEntry> {
    const response = await cosmosCall('create context entry', () => this.#container.items.create(item));
    return parseEntry(response.resource, item.path);
  }

  /** Replaces an entry if it still has `etag`; `precondition_failed` (changed) or `not_found` (gone) otherwise. */
  async replace(item: ItemDefinition & { id: string; path: string; userId: string }, etag: string): Promise<StoredEntry> {
    const response = await cosmosCall('replace context entry', () =>
      this.#container.item(item.id, item.userId).replace(item, { accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    return parseEntry(response.resource, item.path);
  }

  async upsert(item: ItemDefinition): Promise<void> {
    await cosmosCall('write context item', () => this.#container.items.upsert(item));
  }

  /** Deletes an item (only with `etag`, when given); false when it was already gone. */
  async remove(userId: string, id: string, etag?: string): Promise<boolean> {
    const options = etag === undefined ? {} : { accessCondition: { type: 'IfMatch', condition: etag } };
    try {
      await cosmosCall('delete context item', () => this.#container.item(id, userId).delete(options));
      return true;
    } catch (error) {
      if (isKernelError(error, 'not_found')) return false;
      throw error;
    }
  }

  /** All results of a query in the user's partition (callers bound it with TOP). */
  async query(operation: string, userId: string, query: string, parameters: readonly SqlParameter[], expected: number): Promise<unknown[]> {
    const spec = { query, parameters: [{ name: '@userId', value: userId }, ...parameters] };
    const options = { partitionKey: userId, maxItemCount: Math.min(Math.max(expected, 1), 1000) };
    const response = await cosmosCall(operation, () => this.#container.items.query<unknown>(spec, options).fetchAll());
    return response.resources;
  }

  /** A query read page by page (for subtrees too large to hold at once). */
  async *pages(operation: string, userId: string, query: string, parameters: readonly SqlParameter[], pageSize: number): AsyncGenerator<unknown[]> {
    const spec = { query, parameters: [{ name: '@userId', value: userId }, ...parameters] };
    const iterator = this.#container.items.query<unknown>(spec, { partitionKey: userId, maxItemCount: pageSize });
    while (iterator.hasMoreResults()) {
      const page = await cosmosCall(operation, () => iterator.fetchNext());
      if (page.resources.length > 0) yield page.resources;
    }
  }

  /**
   * Creates the missing folders above `path`, top first; a document in the way is `conflict`.
   * Each folder is its own create (409: someone else made it; then it must be a folder), so a
   * crash half-way leaves only folders, and running it again finishes the chain.
   */
  async ensureParents(userId: string, path: string, now: string): Promise<void> {
    await this.createFolders(userId, await this.missingParents(userId, path), now);
  }

  /** The folders above `path` that do not exist yet, top first; `conflict` when one is a document. Writes nothing. */
  async missingParents(userId: string, path: string): Promise<string[]> {
    const folders = foldersAbove(path);
    if (folders.length === 0) return [];
    const found = await this.query(
      'read context parents',
      userId,
      `SELECT c.path, c.kind FROM c WHERE c.userId = @userId AND c.type = '${ENTRY_TYPE}' AND ARRAY_CONTAINS(@ids, c.id)`,
      [{ name: '@ids', value: folders.map(entryId) }],
      folders.length,
    );
    const kinds = new Map<unknown, unknown>(found.map((item) => [(item as { path?: unknown }).path, (item as { kind?: unknown }).kind]));
    for (const folder of folders) {
      if (kinds.get(folder) === 'document') throw belowDocument(folder);
    }
    return folders.filter((folder) => !kinds.has(folder));
  }

  /** Creates `folders` (top first); one created meanwhile is fine, a document made meanwhile is `conflict`. */
  async createFolders(userId: string, folders: readonly string[], now: string): Promise<void> {
    for (const folder of folders) {
      try {
        await this.create(folderItem(userId, folder, now));
      } catch (error) {
        if (!isKernelError(error, 'conflict')) throw error;
        const current = await this.read(userId, folder);
        if (current?.kind === 'document') throw belowDocument(folder);
      }
    }
  }
}

/** `raw` without the service's own properties, ready to be written as a new item. */
export function withoutSystemProperties(raw: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...raw };
  for (const property of SYSTEM_PROPERTIES) delete copy[property];
  return copy;
}

/** The caller's ETag conditions against what is stored (as every store words them). */
export function checkPreconditions(path: string, current: { etag?: string; _etag?: string } | undefined, options: { ifMatch?: string; ifNoneMatch?: '*' } | undefined): void {
  if (options?.ifNoneMatch === '*' && current) throw new KernelError('precondition_failed', `${path} already exists`);
  const etag = current?._etag ?? current?.etag;
  if (options?.ifMatch !== undefined && etag !== options.ifMatch) {
    throw new KernelError('precondition_failed', `${path} ${current ? 'has changed' : 'does not exist'}`);
  }
}

function belowDocument(folder: string): KernelError {
  return new KernelError('conflict', `${folder} is a document; nothing can be stored below it`);
}
