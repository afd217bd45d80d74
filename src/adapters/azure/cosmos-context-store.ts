/**
 * ContextStore on Cosmos DB for NoSQL: the `context` container, partition key `/userId`, one
 * item per entry plus one per kept version (layout in cosmos-context-documents.ts). ETags are
 * the items' own `_etag`, checked by the service (`IfMatch` -> 412).
 *
 * A document write reads the entry, keeps the current state as a version item (an upsert of an
 * id derived from (path, version): writing it twice writes the same thing), then replaces the
 * entry `IfMatch` the ETag it read; losing that race (412, or 404/409 from a concurrent delete or
 * create) judges the write again against what is there now, so a caller's `ifMatch` fails as it
 * should and an unconditional write simply lands later. Versions beyond `versionsKept` are
 * pruned after the write. A crash between the version item and the replace leaves a version
 * item for the *current* version, which is never listed (only versions below the current one
 * are) and is rewritten identically by the next write.
 *
 * The root is implicit (never stored). Multi-item operations — creating missing parents,
 * recursive delete, move — are not one transaction on Cosmos (a transactional batch is atomic
 * on real accounts, but limited to 100 operations and 2 MB, and not atomic on the protocol
 * server the tests use), so they are sequences of idempotent steps; see cosmos-context-tree.ts
 * for what a crash in the middle leaves and how running the operation again converges.
 */
import type { Container } from '@azure/cosmos';
import { checkLimit, contextArguments, type ContextQuery, nameOf, prepareWrite, readContent, resolveLimits, ROOT, rootEntry } from '../../kernel/context/index.js';
import { type Clock, type ContextEntry, type ContextLimits, type ContextStore, type ContextSummary, type ContextVersion, type ContextWrite, type ContextWriteOptions, DEFAULT_CONTEXT_LIMITS, isKernelError, KernelError, type SearchHit, systemClock } from '../../kernel/index.js';
import {
  ENTRY_TYPE,
  SUMMARY_FIELDS,
  VERSION_TYPE,
  bodyOf,
  documentItem,
  entryId,
  folderItem,
  newLineage,
  parseSummary,
  parseVersion,
  toEntry,
  toSummary,
  versionId,
  versionItem,
  type DocumentBody,
  type StoredEntry,
} from './cosmos-context-documents.js';
import { ContextItems, checkPreconditions } from './cosmos-context-items.js';
import { queryEntries, searchEntries } from './cosmos-context-reads.js';
import { documentSearchFields } from './cosmos-context-search.js';
import { deleteVersions, deleteTree, moveTree } from './cosmos-context-tree.js';

/** Read-judge-write rounds of one write before it gives up (retryable precondition_failed). */
const MAX_WRITE_ROUNDS = 20;
/** Documents ranked per search, at most (see cosmos-context-search.ts). */
const DEFAULT_SEARCH_CANDIDATES = 500;

export interface CosmosContextStoreOptions {
  clock?: Clock;
  limits?: Partial<ContextLimits>;
  /** Documents a search ranks at most; 500 by default. */
  searchCandidates?: number;
}

export class CosmosContextStore implements ContextStore {
  readonly #items: ContextItems;
  readonly #clock: Clock;
  readonly #limits: ContextLimits;
  readonly #searchCandidates: number;

  constructor(container: Container, options: CosmosContextStoreOptions = {}) {
    this.#items = new ContextItems(container);
    this.#clock = options.clock ?? systemClock;
    this.#limits = resolveLimits(options.limits, DEFAULT_CONTEXT_LIMITS);
    this.#searchCandidates = checkLimit(options.searchCandidates ?? DEFAULT_SEARCH_CANDIDATES, 10_000);
  }

  async get(userId: string, path: string): Promise<ContextEntry | undefined> {
    if (contextArguments.read(userId, path)) return rootEntry();
    const stored = await this.#items.read(userId, path);
    return stored && toEntry(stored);
  }

  async put(userId: string, path: string, write: ContextWrite, options?: ContextWriteOptions): Promise<ContextEntry> {
    contextArguments.put(userId, path, options);
    const prepared = prepareWrite(write, this.#limits);
    const body: DocumentBody = { ...prepared, content: readContent(prepared.stored, prepared.contentType) };
    return this.#write(userId, path, options, true, () => body);
  }

  async makeFolder(userId: string, path: string): Promise<ContextEntry> {
    if (contextArguments.read(userId, path)) return rootEntry();
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round += 1) {
      const current = await this.#items.read(userId, path);
      if (current?.kind === 'document') throw new KernelError('conflict', `${path} is a document`);
      if (current) return toEntry(current);
      const now = this.#now();
      await this.#items.ensureParents(userId, path, now);
      try {
        return toEntry(await this.#items.create(folderItem(userId, path, now)));
      } catch (error) {
        // Created meanwhile: judge what is there now.
        if (!isKernelError(error, 'conflict')) throw error;
      }
    }
    throw new KernelError('precondition_failed', `${path} kept changing while the folder was made`);
  }

  async delete(userId: string, path: string, options: { ifMatch?: string; recursive?: boolean } = {}): Promise<number> {
    contextArguments.delete(userId, path, options);
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round += 1) {
      const current = await this.#items.read(userId, path);
      if (!current) throw new KernelError('not_found', `${path} does not exist`);
      checkPreconditions(path, current, options);
      if (current.kind === 'folder') {
        const children = await this.#items.query('read context children', userId, `SELECT TOP 1 c.id FROM c WHERE c.userId = @userId AND c.type = '${ENTRY_TYPE}' AND c.parent = @path`, [{ name: '@path', value: path }], 1);
        if (children.length > 0 && options.recursive !== true) throw new KernelError('conflict', `${path} is not empty; delete it recursively`);
        if (children.length > 0) return deleteTree(this.#items, userId, current);
      }
      // The entry goes first, IfMatch what was judged; then its versions (a crash in between leaves
      // versions of a lineage no entry has: never listed, pruned by the next write at this path).
      if (!(await this.#removeIfUnchanged(userId, current))) continue;
      await deleteVersions(this.#items, userId, path);
      return 1;
    }
    throw new KernelError('precondition_failed', `${path} kept changing while it was deleted`);
  }

  async list(userId: string, folder: string, options: { limit: number; cursor?: string }): Promise<{ entries: ContextSummary[]; next?: string }> {
    const limit = contextArguments.list(userId, folder, options);
    if (folder !== ROOT) {
      const current = await this.#items.read(userId, folder);
      if (!current) throw new KernelError('not_found', `${folder} does not exist`);
      if (current.kind !== 'folder') throw new KernelError('conflict', `${folder} is a document, not a folder`);
    }
    const after = options.cursor === undefined ? '' : ' AND c.name > @cursor';
    const parameters = [{ name: '@folder', value: folder }, { name: '@top', value: limit + 1 }, ...(options.cursor === undefined ? [] : [{ name: '@cursor', value: options.cursor }])];
    const sql = `SELECT TOP @top ${SUMMARY_FIELDS} FROM c WHERE c.userId = @userId AND c.type = '${ENTRY_TYPE}' AND c.parent = @folder${after} ORDER BY c.name`;
    const rows = (await this.#items.query('list context folder', userId, sql, parameters, limit + 1)).map((row) => toSummary(parseSummary(row)));
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return rows.length > limit && last ? { entries: page, next: nameOf(last.path) } : { entries: page };
  }

  async move(userId: string, from: string, to: string, options: { ifMatch?: string } = {}): Promise<ContextEntry> {
    contextArguments.move(userId, from, to, options);
    return moveTree(this.#items, userId, from, to, options, () => this.#now());
  }

  async versions(userId: string, path: string): Promise<ContextVersion[]> {
    if (contextArguments.read(userId, path)) return [];
    const current = await this.#items.read(userId, path);
    if (!current) throw new KernelError('not_found', `${path} does not exist`);
    if (current.kind === 'folder' || this.#limits.versionsKept === 0) return [];
    const sql = `SELECT TOP @top * FROM c WHERE c.userId = @userId AND c.type = '${VERSION_TYPE}' AND c.path = @path AND c.lineage = @lineage AND c.version < @version ORDER BY c.version DESC`;
    const parameters = [
      { name: '@top', value: this.#limits.versionsKept },
      { name: '@path', value: path },
      { name: '@lineage', value: current.lineage },
      { name: '@version', value: current.version },
    ];
    return (await this.#items.query('list context versions', userId, sql, parameters, this.#limits.versionsKept)).map(parseVersion);
  }

  async restore(userId: string, path: string, version: number, options: { ifMatch?: string } = {}): Promise<ContextEntry> {
    contextArguments.restore(userId, path, version, options);
    return this.#write(userId, path, options, false, async (current) => {
      if (!current) throw new KernelError('not_found', `${path} does not exist`);
      if (current.version === version) return bodyOf(current.content, current);
      const raw = await this.#items.readRaw(userId, versionId(path, version));
      const kept = version < current.version && version >= current.version - this.#limits.versionsKept;
      const old = raw && raw.lineage === current.lineage && kept ? parseVersion(raw) : undefined;
      if (!old) throw new KernelError('not_found', `${path} has no version ${version} (it keeps the last ${this.#limits.versionsKept})`);
      return bodyOf(old.content, old);
    });
  }

  async query(userId: string, query: ContextQuery): Promise<ContextSummary[]> {
    const checked = contextArguments.query(userId, query);
    return queryEntries(this.#items, userId, checked);
  }

  async search(userId: string, text: string, options: { prefix?: string; limit: number }): Promise<SearchHit[]> {
    const { words, prefix, limit } = contextArguments.search(userId, text, options);
    return searchEntries(this.#items, userId, words, { prefix, limit, candidates: this.#searchCandidates });
  }

  /**
   * The read-judge-write loop of put and restore. `decide` gives the body to store (put: the
   * write; restore: an earlier version, and only for an existing document).
   */
  async #write(
    userId: string,
    path: string,
    options: ContextWriteOptions | undefined,
    create: boolean,
    decide: (current: StoredEntry | undefined) => DocumentBody | Promise<DocumentBody>,
  ): Promise<ContextEntry> {
    for (let round = 1; round <= MAX_WRITE_ROUNDS; round += 1) {
      const current = path === ROOT ? undefined : await this.#items.read(userId, path);
      checkPreconditions(path, path === ROOT ? rootEntry() : current, options);
      if (path === ROOT || current?.kind === 'folder') throw new KernelError('conflict', `${path} is a folder${create ? '' : '; folders have no versions'}`);
      if (!current && !create) throw new KernelError('not_found', `${path} does not exist`);
      const now = this.#now();
      if (!current) {
        const body = await decide(undefined);
        await this.#items.ensureParents(userId, path, now);
        const item = documentItem(userId, path, body, documentSearchFields(path, body), { version: 1, createdAt: now, updatedAt: now, lineage: newLineage() });
        try {
          const created = await this.#items.create(item);
          // Versions left by an earlier document at this path (a delete that crashed before its cleanup).
          await this.#prune(userId, path, created.lineage, 0);
          return toEntry(created);
        } catch (error) {
          if (!isKernelError(error, 'conflict')) throw error;
          continue;
        }
      }
      const body = await decide(current);
      if (this.#limits.versionsKept > 0) await this.#items.upsert(versionItem(current));
      const item = documentItem(userId, path, body, documentSearchFields(path, body), { version: current.version + 1, createdAt: current.createdAt, updatedAt: now, lineage: current.lineage });
      try {
        const replaced = await this.#items.replace(item, current._etag);
        await this.#prune(userId, path, replaced.lineage, replaced.version - this.#limits.versionsKept - 1);
        return toEntry(replaced);
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed') && !isKernelError(error, 'not_found')) throw error;
      }
    }
    throw new KernelError('precondition_failed', `${path} kept changing while it was written`);
  }

  /** Deletes version items of `path` at or below version `upTo`, and any of another lineage. */
  async #prune(userId: string, path: string, lineage: string, upTo: number): Promise<void> {
    const sql = `SELECT c.id FROM c WHERE c.userId = @userId AND c.type = '${VERSION_TYPE}' AND c.path = @path AND (c.lineage != @lineage OR c.version <= @upTo)`;
    const parameters = [{ name: '@path', value: path }, { name: '@lineage', value: lineage }, { name: '@upTo', value: upTo }];
    const doomed = await this.#items.query('find old context versions', userId, sql, parameters, 100);
    for (const item of doomed) await this.#items.remove(userId, String((item as { id: unknown }).id));
  }

  /** Deletes `current` if it still has the ETag it was read with; false when it changed or went meanwhile. */
  async #removeIfUnchanged(userId: string, current: StoredEntry): Promise<boolean> {
    try {
      return await this.#items.remove(userId, entryId(current.path), current._etag);
    } catch (error) {
      if (isKernelError(error, 'precondition_failed')) return false;
      throw error;
    }
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}
