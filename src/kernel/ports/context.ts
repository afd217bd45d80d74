/**
 * The Context Hub's store: each user's persistent, path-addressed memory (the seed's
 * "persistent context graph"). Entries are documents (JSON or text, with a metadata object)
 * and folders, addressed by normalized paths (`/Projects/Alpha/status`; see
 * src/security/acl/context-path.ts — callers normalize before calling a store). Every entry
 * has an ETag; writes take `ifMatch` / `ifNoneMatch` so concurrent writers never silently
 * overwrite each other. A document keeps its last `versionsKept` versions.
 *
 * Production: Cosmos DB (a `context` container, partition key /userId). Embedded default:
 * SQLite with FTS5 for search. Tests: in memory. One contract suite runs against all three.
 *
 * Errors (KernelError codes): `not_found` (no entry), `precondition_failed` (ETag mismatch, or
 * `ifNoneMatch: '*'` on an existing entry), `conflict` (a document where a folder is needed or
 * the reverse, moving onto an existing entry, deleting a non-empty folder without recursive),
 * `invalid_input` (a bad query), `payload_too_large` (over the size limit).
 *
 * Decisions every store follows (shared code in src/kernel/context/entries.ts, match.ts and
 * search-text.ts; the contract suite test/contracts/context-store-contract*.ts pins them):
 * - Paths must arrive normalized; a store refuses obvious non-canonical shapes (`invalid_input`)
 *   but does not re-run the full normalization.
 * - The root `/` is implicit and never stored: `get('/')` and `makeFolder('/')` return a fixed
 *   folder entry (ETag `root`, times at the epoch); `put` on it is `conflict`; deleting or moving
 *   it is `invalid_input`.
 * - Folders are entries of their own: content null, contentType `inode/directory`, metadata {},
 *   size 0, version 1; they change only by moving. Every entry's parent folder exists.
 * - Names and listings are in Unicode code point order (SQLite's BINARY collation).
 */
import type { ContextQuery } from '../context/query.js';

export type ContextKind = 'document' | 'folder';

export interface ContextEntry {
  path: string;
  kind: ContextKind;
  /** Documents: a JSON value, or a string for text content. Folders: null. */
  content: unknown;
  /** `application/json` for JSON content, the writer's media type (e.g. `text/markdown`) for text. Folders: `inode/directory`. */
  contentType: string;
  /** The writer's metadata: a JSON object (queried with `metadata.<name>`), at most 64 KiB of JSON (else `payload_too_large`). */
  metadata: Record<string, unknown>;
  /** 1 on creation, +1 on every write or restore of a document (a move keeps it; folders stay at 1). */
  version: number;
  etag: string;
  /** Bytes of the content as stored: UTF-8 of the JSON text for JSON content, of the string for text (a JSON string counts its quotes). */
  size: number;
  createdAt: string;
  updatedAt: string;
}

/** An entry without its content, for listings and query results. */
export type ContextSummary = Omit<ContextEntry, 'content'>;

export interface ContextWrite {
  /** Any JSON value when contentType is `application/json` or `+json`; a string for every other type. */
  content: unknown;
  /** A media type (parameters allowed); `inode/directory` is reserved for folders. */
  contentType: string;
  /** Replaces the current metadata (absent: `{}`). */
  metadata?: Record<string, unknown>;
}

export interface ContextWriteOptions {
  /** Only if the current entry has this ETag (else `precondition_failed`; missing entry: `precondition_failed`). */
  ifMatch?: string;
  /** `*`: only if there is no entry yet. */
  ifNoneMatch?: '*';
}

export interface ContextVersion {
  version: number;
  etag: string;
  contentType: string;
  metadata: Record<string, unknown>;
  size: number;
  /** When this version was written. */
  updatedAt: string;
  content: unknown;
}

export interface SearchHit {
  entry: ContextSummary;
  /** Higher is better; comparable only within one answer. */
  score: number;
  /** A short excerpt around a match, when the store can give one. */
  snippet?: string;
}

export interface ContextStore {
  get(userId: string, path: string): Promise<ContextEntry | undefined>;
  /**
   * Create or replace a document. Missing parent folders are created. Writing to a path that is
   * a folder, or below a document, is `conflict`. Every write (even of the same content) is a
   * new version with a new ETag; createdAt stays.
   */
  put(userId: string, path: string, write: ContextWrite, options?: ContextWriteOptions): Promise<ContextEntry>;
  /** Create a folder (and missing parents); an existing folder is returned as it is. */
  makeFolder(userId: string, path: string): Promise<ContextEntry>;
  /**
   * Remove a document, or a folder (non-empty only with `recursive`) with everything below it,
   * their versions and search entries. Returns how many entries (documents and folders) were
   * removed; a missing path is `not_found`. A path written again later starts at version 1.
   */
  delete(userId: string, path: string, options?: { ifMatch?: string; recursive?: boolean }): Promise<number>;
  /**
   * The direct children of a folder, by name; `cursor` is the last name of the previous page
   * (exclusive), and `next` is set only when more children follow. `limit` is 1..1000. A missing
   * folder is `not_found`, a document `conflict`.
   */
  list(userId: string, folder: string, options: { limit: number; cursor?: string }): Promise<{ entries: ContextSummary[]; next?: string }>;
  /**
   * Move or rename a document or a folder with everything below it, atomically. The target must
   * not exist (`conflict`; a document above it is `conflict` too); missing folders above it are
   * created; a target at or below the source is `invalid_input`. Moved entries keep their
   * content, version, times and history (a document's versions move with it); each gets a new
   * ETag, since an ETag read at the old path must not validate a write at the new one.
   * `ifMatch` is checked against the source. Returns the moved entry at its new path.
   */
  move(userId: string, from: string, to: string, options?: { ifMatch?: string }): Promise<ContextEntry>;
  /** Earlier versions of a document, newest first (the current version is not among them); a folder has none. */
  versions(userId: string, path: string): Promise<ContextVersion[]>;
  /**
   * Make an earlier version's content, contentType and metadata current again, as a new version
   * (the current version number is accepted too and rewrites it). A version no longer kept is
   * `not_found`; a folder is `conflict`.
   */
  restore(userId: string, path: string, version: number, options?: { ifMatch?: string }): Promise<ContextEntry>;
  /**
   * Entries at or below the folder `query.prefix` (the prefix entry itself included) matching
   * `query.where`, ordered and limited. Semantics (typed comparisons, missing fields, ordering
   * across types, the path tiebreak) in src/kernel/context/match.ts; a condition deeper than
   * MAX_CONDITION_DEPTH or with more than MAX_CONDITION_NODES parts is `invalid_input`.
   */
  query(userId: string, query: ContextQuery): Promise<ContextSummary[]>;
  /**
   * Full-text search over the user's documents (name, text or JSON string values, metadata
   * string values), best first (BM25, a match in the name weighing most). `text` is words, never
   * syntax: a document must have every word, whole, in any case (src/kernel/context/search-text.ts);
   * text without a word is `invalid_input`. `prefix` keeps to a folder; `limit` is 1..1000.
   */
  search(userId: string, text: string, options: { prefix?: string; limit: number }): Promise<SearchHit[]>;
}

export interface ContextLimits {
  /** Largest document content in bytes (default 1 MiB). */
  maxDocumentBytes: number;
  /** Versions kept per document besides the current one (default 10); older ones are deleted on write. */
  versionsKept: number;
}

export const DEFAULT_CONTEXT_LIMITS: ContextLimits = { maxDocumentBytes: 1024 * 1024, versionsKept: 10 };
