/**
 * ContextStore on SQLite, in the embedded default's shared database file: entries in
 * `context_entries`, earlier versions in `context_versions`, full-text search in the FTS5 table
 * `context_fts` (see the migration in database.ts). Writes go through the shared GroupCommit, so
 * each one is atomic — a move of a whole subtree, a recursive delete with its versions and index
 * rows — and batches with the queue's writes; reads go straight to the database.
 *
 * Every write runs inside the group's `BEGIN IMMEDIATE` transaction, which holds the file's write
 * lock from reading the current entry to writing the new one: ETag checks are atomic against
 * this process and any other connection to the file.
 */
import { type Clock, type ContextEntry, type ContextLimits, type ContextStore, type ContextSummary, type ContextVersion, type ContextWrite, type ContextWriteOptions, DEFAULT_CONTEXT_LIMITS, KernelError, type SearchHit, systemClock } from '../../kernel/index.js';
import { checkPreconditions, contextArguments, type ContextQuery, FOLDER_CONTENT_TYPE, foldersAbove, indexedText, isJsonContentType, nameOf, newEtag, parentOf, parseMetadata, prepareWrite, readContent, resolveLimits, ROOT, rootEntry } from '../../kernel/context/index.js';
import { guard, type SqliteDatabase, type SqliteStatement } from './database.js';
import type { GroupCommit } from './group-commit.js';
import { compileQuery } from './sqlite-context-query.js';
import { ContextSearchIndex } from './sqlite-context-search.js';
import { SUMMARY_COLUMNS, prepareContextStatements, subtreePaths, toEntry, toSummary, toVersion, type ContextStatements, type HeadRow, type SummaryRow, type VersionRow } from './sqlite-context-statements.js';

/** Distinct query shapes whose statements are kept prepared (least recently used go first). */
const QUERY_CACHE = 200;

export interface SqliteContextStoreOptions {
  /** Decides createdAt / updatedAt; the system clock by default. */
  clock?: Clock;
  limits?: Partial<ContextLimits>;
}

export class SqliteContextStore implements ContextStore {
  readonly #db: SqliteDatabase;
  readonly #commits: GroupCommit;
  readonly #clock: Clock;
  readonly #limits: ContextLimits;
  readonly #s: ContextStatements;
  readonly #index: ContextSearchIndex;
  readonly #queries = new Map<string, SqliteStatement<unknown[], SummaryRow>>();

  /** `commits` is shared with the other SQLite adapters on the same connection. */
  constructor(db: SqliteDatabase, commits: GroupCommit, options: SqliteContextStoreOptions = {}) {
    this.#db = db;
    this.#commits = commits;
    this.#clock = options.clock ?? systemClock;
    this.#limits = resolveLimits(options.limits, DEFAULT_CONTEXT_LIMITS);
    this.#s = prepareContextStatements(db);
    this.#index = new ContextSearchIndex(db);
  }

  async get(userId: string, path: string): Promise<ContextEntry | undefined> {
    if (contextArguments.read(userId, path)) return rootEntry();
    const row = guard(this.#db, () => this.#s.entry.get(userId, path));
    return row && toEntry(row);
  }

  async put(userId: string, path: string, write: ContextWrite, options?: ContextWriteOptions): Promise<ContextEntry> {
    contextArguments.put(userId, path, options);
    const prepared = prepareWrite(write, this.#limits);
    // Computed now: the caller may change its objects before the group commit runs.
    const text = indexedText(nameOf(path), prepared.json ? write.content : prepared.stored, prepared.json, prepared.metadata);
    return this.#commits.run(() => {
      const now = this.#clock.now().toISOString();
      const current = this.#head(userId, path);
      checkPreconditions(path, current, options);
      if (current?.kind === 'folder') throw new KernelError('conflict', `${path} is a folder`);
      this.#makeParents(userId, path, now);
      const { contentType, stored, metadataJson, size } = prepared;
      const etag = newEtag();
      if (current) {
        this.#s.archive.run(current.id);
        this.#s.update.run(contentType, stored, metadataJson, current.version + 1, etag, size, now, current.id);
        this.#s.prune.run(current.id, current.version + 1 - this.#limits.versionsKept);
        this.#index.replace(current.id, userId, text);
      } else {
        const id = Number(this.#s.insert.run(userId, path, parentOf(path), nameOf(path), 'document', contentType, stored, metadataJson, etag, size, now, now).lastInsertRowid);
        this.#index.add(id, userId, text);
      }
      const version = (current?.version ?? 0) + 1;
      return { path, kind: 'document', content: readContent(stored, contentType), contentType, metadata: parseMetadata(metadataJson), version, etag, size, createdAt: current?.created_at ?? now, updatedAt: now };
    });
  }

  async makeFolder(userId: string, path: string): Promise<ContextEntry> {
    if (contextArguments.read(userId, path)) return rootEntry();
    return this.#commits.run(() => {
      const current = this.#s.entry.get(userId, path);
      if (current?.kind === 'document') throw new KernelError('conflict', `${path} is a document`);
      if (current) return toEntry(current);
      const now = this.#clock.now().toISOString();
      this.#makeParents(userId, path, now);
      const etag = newEtag();
      this.#s.insert.run(userId, path, parentOf(path), nameOf(path), 'folder', FOLDER_CONTENT_TYPE, null, '{}', etag, 0, now, now);
      return { path, kind: 'folder', content: null, contentType: FOLDER_CONTENT_TYPE, metadata: {}, version: 1, etag, size: 0, createdAt: now, updatedAt: now };
    });
  }

  async delete(userId: string, path: string, options: { ifMatch?: string; recursive?: boolean } = {}): Promise<number> {
    contextArguments.delete(userId, path, options);
    return this.#commits.run(() => {
      const current = this.#head(userId, path);
      if (!current) throw new KernelError('not_found', `${path} does not exist`);
      checkPreconditions(path, current, options);
      if (current.kind === 'folder' && options.recursive !== true && this.#s.hasChild.get(userId, path)) {
        throw new KernelError('conflict', `${path} is not empty; delete it recursively`);
      }
      const subtree = this.#subtree(userId, path);
      this.#s.deleteIndexed.run(...subtree);
      this.#s.deleteVersions.run(...subtree);
      return this.#s.deleteEntries.run(...subtree).changes;
    });
  }

  async list(userId: string, folder: string, options: { limit: number; cursor?: string }): Promise<{ entries: ContextSummary[]; next?: string }> {
    const limit = contextArguments.list(userId, folder, options);
    const rows = guard(this.#db, () => {
      if (folder !== ROOT) {
        const current = this.#s.head.get(userId, folder);
        if (!current) throw new KernelError('not_found', `${folder} does not exist`);
        if (current.kind !== 'folder') throw new KernelError('conflict', `${folder} is a document, not a folder`);
      }
      // One more than asked for tells whether there is a next page.
      return this.#s.children.all(userId, folder, options.cursor ?? '', limit + 1);
    });
    const entries = rows.slice(0, limit).map(toSummary);
    const last = entries.at(-1);
    return rows.length > limit && last ? { entries, next: nameOf(last.path) } : { entries };
  }

  async move(userId: string, from: string, to: string, options: { ifMatch?: string } = {}): Promise<ContextEntry> {
    contextArguments.move(userId, from, to, options);
    return this.#commits.run(() => {
      const source = this.#head(userId, from);
      if (!source) throw new KernelError('not_found', `${from} does not exist`);
      checkPreconditions(from, source, options);
      if (this.#head(userId, to)) throw new KernelError('conflict', `${to} already exists`);
      this.#makeParents(userId, to, this.#clock.now().toISOString());
      // The target's subtree is empty (every entry's parent exists), so no rename can collide.
      for (const row of this.#s.subtree.all(...this.#subtree(userId, from))) {
        const path = to + row.path.slice(from.length);
        const parent = row.path === from ? parentOf(to) : to + row.parent.slice(from.length);
        // A new path is a new address: ETags read before the move must not match after it.
        this.#s.rename.run(path, parent, nameOf(path), newEtag(), row.id);
      }
      if (source.kind === 'document') this.#index.rename(source.id, nameOf(to));
      const moved = this.#s.entry.get(userId, to);
      if (!moved) throw new KernelError('internal', `${to} is missing right after the move`);
      return toEntry(moved);
    });
  }

  async versions(userId: string, path: string): Promise<ContextVersion[]> {
    if (contextArguments.read(userId, path)) return [];
    const rows = guard(this.#db, () => {
      const current = this.#s.head.get(userId, path);
      if (!current) throw new KernelError('not_found', `${path} does not exist`);
      return current.kind === 'folder' ? [] : this.#s.versions.all(current.id);
    });
    return rows.map(toVersion);
  }

  async restore(userId: string, path: string, version: number, options: { ifMatch?: string } = {}): Promise<ContextEntry> {
    contextArguments.restore(userId, path, version, options);
    return this.#commits.run(() => {
      const current = this.#head(userId, path);
      if (!current) throw new KernelError('not_found', `${path} does not exist`);
      checkPreconditions(path, current, options);
      if (current.kind === 'folder') throw new KernelError('conflict', `${path} is a folder; folders have no versions`);
      const old: VersionRow | undefined = version === current.version ? this.#s.entry.get(userId, path) : this.#s.version.get(current.id, version);
      if (!old) throw new KernelError('not_found', `${path} has no version ${version} (it keeps the last ${this.#limits.versionsKept})`);
      const contentType = old.content_type;
      const content = readContent(old.content, contentType);
      const metadata = parseMetadata(old.metadata);
      const now = this.#clock.now().toISOString();
      const etag = newEtag();
      const next = current.version + 1;
      this.#s.archive.run(current.id);
      this.#s.update.run(contentType, old.content, old.metadata, next, etag, old.size, now, current.id);
      this.#s.prune.run(current.id, next - this.#limits.versionsKept);
      this.#index.replace(current.id, userId, indexedText(nameOf(path), content, isJsonContentType(contentType), metadata));
      return { path, kind: 'document', content, contentType, metadata: parseMetadata(old.metadata), version: next, etag, size: old.size, createdAt: current.created_at, updatedAt: now };
    });
  }

  async query(userId: string, query: ContextQuery): Promise<ContextSummary[]> {
    const checked = contextArguments.query(userId, query);
    const compiled = compileQuery({ sql: SUMMARY_COLUMNS, params: [] }, userId, checked);
    return guard(this.#db, () => this.#statement(compiled.sql).all(...compiled.params)).map(toSummary);
  }

  async search(userId: string, text: string, options: { prefix?: string; limit: number }): Promise<SearchHit[]> {
    const { words, prefix, limit } = contextArguments.search(userId, text, options);
    return guard(this.#db, () => this.#index.search(userId, words, prefix, limit));
  }

  /** The entry at `path` (the root included) for a write; call inside the write. */
  #head(userId: string, path: string): HeadRow | undefined {
    if (path === ROOT) return { id: 0, kind: 'folder', version: 1, etag: rootEntry().etag, created_at: rootEntry().createdAt };
    return this.#s.head.get(userId, path);
  }

  /** Parameters of the subtree statements for `path`. */
  #subtree(userId: string, path: string): [string, string, string, string, string] {
    return [userId, ...subtreePaths(path)];
  }

  /** Creates the missing folders above `path`; a document in the way is `conflict`. Call inside a write. */
  #makeParents(userId: string, path: string, now: string): void {
    const parent = parentOf(path);
    if (parent === ROOT) return;
    // Every entry's parent exists, so an existing parent folder means all of them do.
    const head = this.#s.head.get(userId, parent);
    if (head?.kind === 'folder') return;
    const folders = foldersAbove(path);
    const existing = new Map(this.#s.kinds.all(userId, JSON.stringify(folders)).map((row) => [row.path, row.kind]));
    for (const folder of folders) {
      if (existing.get(folder) === 'document') throw new KernelError('conflict', `${folder} is a document; nothing can be stored below it`);
    }
    for (const folder of folders) {
      if (!existing.has(folder)) this.#s.insert.run(userId, folder, parentOf(folder), nameOf(folder), 'folder', FOLDER_CONTENT_TYPE, null, '{}', newEtag(), 0, now, now);
    }
  }

  #statement(text: string): SqliteStatement<unknown[], SummaryRow> {
    let statement = this.#queries.get(text);
    if (statement) this.#queries.delete(text);
    else {
      statement = this.#db.prepare<unknown[], SummaryRow>(text);
      if (this.#queries.size >= QUERY_CACHE) this.#queries.delete(this.#queries.keys().next().value!);
    }
    this.#queries.set(text, statement);
    return statement;
  }
}
