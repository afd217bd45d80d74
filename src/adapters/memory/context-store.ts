/**
 * In-memory ContextStore: for unit tests and examples. Not durable. Content and metadata are
 * kept as JSON text (or the text itself), so a caller can never alias stored state. Every
 * method runs to completion without an `await` in between, which makes each one atomic.
 * Queries and search scan the user's entries; fine at test sizes, not meant for more.
 */
import { type Clock, type ContextEntry, type ContextLimits, type ContextStore, type ContextSummary, type ContextVersion, type ContextWrite, type ContextWriteOptions, DEFAULT_CONTEXT_LIMITS, KernelError, type SearchHit, systemClock } from '../../kernel/index.js';
import { checkPreconditions, compareCodePoints, contextArguments, type ContextQuery, entryComparator, FOLDER_CONTENT_TYPE, foldersAbove, isJsonContentType, isWithin, matches, nameOf, newEtag, parentOf, parseMetadata, prepareWrite, readContent, resolveLimits, ROOT, rootEntry } from '../../kernel/context/index.js';
import { scoreDocuments, type Searchable } from './context-search.js';

interface StoredVersion {
  version: number;
  etag: string;
  contentType: string;
  stored: string | null;
  metadataJson: string;
  size: number;
  updatedAt: string;
}

interface Stored extends StoredVersion {
  path: string;
  kind: 'document' | 'folder';
  createdAt: string;
  /** Earlier versions, newest first. The array moves with the entry, so a move keeps the history. */
  history: StoredVersion[];
}

export interface MemoryContextStoreOptions {
  clock?: Clock;
  limits?: Partial<ContextLimits>;
}

export class MemoryContextStore implements ContextStore {
  readonly #users = new Map<string, Map<string, Stored>>();
  readonly #clock: Clock;
  readonly #limits: ContextLimits;

  constructor(options: MemoryContextStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#limits = resolveLimits(options.limits, DEFAULT_CONTEXT_LIMITS);
  }

  async get(userId: string, path: string): Promise<ContextEntry | undefined> {
    if (contextArguments.read(userId, path)) return rootEntry();
    const stored = this.#entries(userId).get(path);
    return stored && toEntry(stored);
  }

  async put(userId: string, path: string, write: ContextWrite, options?: ContextWriteOptions): Promise<ContextEntry> {
    contextArguments.put(userId, path, options);
    const prepared = prepareWrite(write, this.#limits);
    const entries = this.#entries(userId);
    const current = path === ROOT ? rootEntry() : entries.get(path);
    checkPreconditions(path, current, options);
    if (current?.kind === 'folder') throw new KernelError('conflict', `${path} is a folder`);
    const now = this.#clock.now().toISOString();
    this.#makeParents(entries, path, now);
    const next: StoredVersion = { version: (current?.version ?? 0) + 1, etag: newEtag(), contentType: prepared.contentType, stored: prepared.stored, metadataJson: prepared.metadataJson, size: prepared.size, updatedAt: now };
    const stored = current ? this.#replace(current as Stored, next) : { ...next, path, kind: 'document' as const, createdAt: now, history: [] };
    entries.set(path, stored);
    return toEntry(stored);
  }

  async makeFolder(userId: string, path: string): Promise<ContextEntry> {
    if (contextArguments.read(userId, path)) return rootEntry();
    const entries = this.#entries(userId);
    const current = entries.get(path);
    if (current?.kind === 'document') throw new KernelError('conflict', `${path} is a document`);
    if (current) return toEntry(current);
    const now = this.#clock.now().toISOString();
    this.#makeParents(entries, path, now);
    const folder = newFolder(path, now);
    entries.set(path, folder);
    return toEntry(folder);
  }

  async delete(userId: string, path: string, options: { ifMatch?: string; recursive?: boolean } = {}): Promise<number> {
    contextArguments.delete(userId, path, options);
    const entries = this.#entries(userId);
    const current = entries.get(path);
    if (!current) throw new KernelError('not_found', `${path} does not exist`);
    checkPreconditions(path, current, options);
    const doomed = [...entries.keys()].filter((each) => isWithin(each, path));
    if (doomed.length > 1 && options.recursive !== true) throw new KernelError('conflict', `${path} is not empty; delete it recursively`);
    for (const each of doomed) entries.delete(each);
    return doomed.length;
  }

  async list(userId: string, folder: string, options: { limit: number; cursor?: string }): Promise<{ entries: ContextSummary[]; next?: string }> {
    const limit = contextArguments.list(userId, folder, options);
    const entries = this.#entries(userId);
    if (folder !== ROOT) {
      const current = entries.get(folder);
      if (!current) throw new KernelError('not_found', `${folder} does not exist`);
      if (current.kind !== 'folder') throw new KernelError('conflict', `${folder} is a document, not a folder`);
    }
    const { cursor } = options;
    const children = [...entries.values()]
      .filter((each) => parentOf(each.path) === folder && (cursor === undefined || compareCodePoints(nameOf(each.path), cursor) > 0))
      .sort((a, b) => compareCodePoints(nameOf(a.path), nameOf(b.path)));
    const page = children.slice(0, limit).map(toSummary);
    const last = page.at(-1);
    return children.length > limit && last ? { entries: page, next: nameOf(last.path) } : { entries: page };
  }

  async move(userId: string, from: string, to: string, options: { ifMatch?: string } = {}): Promise<ContextEntry> {
    contextArguments.move(userId, from, to, options);
    const entries = this.#entries(userId);
    const source = entries.get(from);
    if (!source) throw new KernelError('not_found', `${from} does not exist`);
    checkPreconditions(from, source, options);
    if (entries.has(to)) throw new KernelError('conflict', `${to} already exists`);
    this.#makeParents(entries, to, this.#clock.now().toISOString());
    const moving = [...entries.values()].filter((each) => isWithin(each.path, from));
    for (const each of moving) entries.delete(each.path);
    for (const each of moving) {
      // A new path is a new address: ETags read before the move must not match after it.
      const moved: Stored = { ...each, path: to + each.path.slice(from.length), etag: newEtag() };
      entries.set(moved.path, moved);
    }
    return toEntry(entries.get(to)!);
  }

  async versions(userId: string, path: string): Promise<ContextVersion[]> {
    if (contextArguments.read(userId, path)) return [];
    const current = this.#entries(userId).get(path);
    if (!current) throw new KernelError('not_found', `${path} does not exist`);
    return current.history.map(toVersion);
  }

  async restore(userId: string, path: string, version: number, options: { ifMatch?: string } = {}): Promise<ContextEntry> {
    contextArguments.restore(userId, path, version, options);
    const entries = this.#entries(userId);
    const current = path === ROOT ? rootEntry() : entries.get(path);
    if (!current) throw new KernelError('not_found', `${path} does not exist`);
    checkPreconditions(path, current, options);
    if (current.kind === 'folder') throw new KernelError('conflict', `${path} is a folder; folders have no versions`);
    const stored = current as Stored;
    const old = stored.version === version ? versionOf(stored) : stored.history.find((each) => each.version === version);
    if (!old) throw new KernelError('not_found', `${path} has no version ${version} (it keeps the last ${this.#limits.versionsKept})`);
    const now = this.#clock.now().toISOString();
    const next: StoredVersion = { ...old, version: stored.version + 1, etag: newEtag(), updatedAt: now };
    const restored = this.#replace(stored, next);
    entries.set(path, restored);
    return toEntry(restored);
  }

  async query(userId: string, query: ContextQuery): Promise<ContextSummary[]> {
    const checked = contextArguments.query(userId, query);
    const { prefix, where } = checked;
    return [...this.#entries(userId).values()]
      .map(toSummary)
      .filter((entry) => isWithin(entry.path, prefix) && checked.kinds.includes(entry.kind) && (where === undefined || matches(entry, where)))
      .sort(entryComparator(checked.orderBy))
      .slice(0, checked.limit);
  }

  async search(userId: string, text: string, options: { prefix?: string; limit: number }): Promise<SearchHit[]> {
    const { words, prefix, limit } = contextArguments.search(userId, text, options);
    const documents: Searchable[] = [];
    for (const stored of this.#entries(userId).values()) {
      if (stored.kind !== 'document') continue;
      const json = isJsonContentType(stored.contentType);
      documents.push({ entry: toSummary(stored), content: readContent(stored.stored, stored.contentType), json });
    }
    // Ranked among all the user's documents (as FTS5 does), then filtered by prefix.
    return scoreDocuments(documents, words)
      .filter((hit) => isWithin(hit.entry.path, prefix))
      .slice(0, limit);
  }

  /** The current version becomes history (pruned to versionsKept) and `next` the current one. */
  #replace(current: Stored, next: StoredVersion): Stored {
    const history = [versionOf(current), ...current.history].slice(0, this.#limits.versionsKept);
    return { ...current, ...next, history };
  }

  /** Creates the missing folders above `path`; a document in the way is `conflict`. */
  #makeParents(entries: Map<string, Stored>, path: string, now: string): void {
    const folders = foldersAbove(path);
    for (const folder of folders) {
      if (entries.get(folder)?.kind === 'document') throw new KernelError('conflict', `${folder} is a document; nothing can be stored below it`);
    }
    for (const folder of folders) if (!entries.has(folder)) entries.set(folder, newFolder(folder, now));
  }

  #entries(userId: string): Map<string, Stored> {
    let entries = this.#users.get(userId);
    if (!entries) {
      entries = new Map();
      this.#users.set(userId, entries);
    }
    return entries;
  }
}

function versionOf(stored: Stored): StoredVersion {
  const { version, etag, contentType, metadataJson, size, updatedAt } = stored;
  return { version, etag, contentType, stored: stored.stored, metadataJson, size, updatedAt };
}

function newFolder(path: string, now: string): Stored {
  return { path, kind: 'folder', version: 1, etag: newEtag(), contentType: FOLDER_CONTENT_TYPE, stored: null, metadataJson: '{}', size: 0, createdAt: now, updatedAt: now, history: [] };
}

function toSummary(stored: Stored): ContextSummary {
  const { path, kind, contentType, version, etag, size, createdAt, updatedAt } = stored;
  return { path, kind, contentType, metadata: parseMetadata(stored.metadataJson), version, etag, size, createdAt, updatedAt };
}

function toEntry(stored: Stored): ContextEntry {
  return { ...toSummary(stored), content: readContent(stored.stored, stored.contentType) };
}

function toVersion(stored: StoredVersion): ContextVersion {
  const { version, etag, contentType, size, updatedAt } = stored;
  return { version, etag, contentType, metadata: parseMetadata(stored.metadataJson), size, updatedAt, content: readContent(stored.stored, stored.contentType) };
}
