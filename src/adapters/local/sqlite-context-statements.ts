/**
 * The SqliteContextStore's fixed statements (every one prepared once, every value a parameter)
 * and the conversion of its rows to port types. Queries built from a ContextQuery live in
 * sqlite-context-query.ts; the search index in sqlite-context-search.ts.
 */
import type { ContextEntry, ContextSummary, ContextVersion } from '../../kernel/index.js';
import { parseMetadata, readContent, subtreeRange } from '../../kernel/context/index.js';
import type { SqliteDatabase } from './database.js';

/** What a write needs to know about the entry it replaces. */
export interface HeadRow {
  id: number;
  kind: 'document' | 'folder';
  version: number;
  etag: string;
  created_at: string;
}

export interface SummaryRow {
  id: number;
  path: string;
  kind: 'document' | 'folder';
  content_type: string;
  metadata: string;
  version: number;
  etag: string;
  size: number;
  created_at: string;
  updated_at: string;
}

export interface EntryRow extends SummaryRow {
  content: string | null;
}

export interface VersionRow {
  version: number;
  etag: string;
  content_type: string;
  content: string | null;
  metadata: string;
  size: number;
  updated_at: string;
}

export interface SubtreeRow {
  id: number;
  path: string;
  parent: string;
  kind: 'document' | 'folder';
}

/** metadata is stored as JSONB and read back as JSON text. */
export const SUMMARY_COLUMNS = 'e.id, e.path, e.kind, e.content_type, json(e.metadata) AS metadata, e.version, e.etag, e.size, e.created_at, e.updated_at';
const ENTRY_COLUMNS = `${SUMMARY_COLUMNS}, e.content`;
const VERSION_COLUMNS = 'version, etag, content_type, content, json(metadata) AS metadata, size, updated_at';
/**
 * The entry at a path and everything below it, as one range of the (user_id, path) index:
 * [path, path || '0') holds the entry, its subtree ([path || '/', path || '0')) and siblings
 * whose names extend it with a character before '/' (`/A-b`, `/A b`), which the residual test
 * drops. Measured faster than `path = ? OR (range)`, which the planner ran as a scan of the
 * user's whole index. Parameters: subtreePaths(path).
 */
export const SUBTREE_PATHS = '(e.path >= ? AND e.path < ? AND (e.path = ? OR e.path >= ?))';
const SUBTREE = `e.user_id = ? AND ${SUBTREE_PATHS}`;
type Subtree = [string, string, string, string, string];

/** The parameters of SUBTREE_PATHS for `path` (not the root). */
export function subtreePaths(path: string): [string, string, string, string] {
  const { lower, upper } = subtreeRange(path);
  return [path, upper, path, lower];
}
type Insert = [user: string, path: string, parent: string, name: string, kind: string, contentType: string, content: string | null, metadata: string, etag: string, size: number, createdAt: string, updatedAt: string];
type Update = [contentType: string, content: string | null, metadata: string, version: number, etag: string, size: number, updatedAt: string, id: number];

export function prepareContextStatements(db: SqliteDatabase) {
  return {
    entry: db.prepare<[string, string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM context_entries e WHERE e.user_id = ? AND e.path = ?`),
    head: db.prepare<[string, string], HeadRow>('SELECT id, kind, version, etag, created_at FROM context_entries WHERE user_id = ? AND path = ?'),
    /** The kinds of the entries at the paths in a JSON array. */
    kinds: db.prepare<[string, string], { path: string; kind: string }>('SELECT path, kind FROM context_entries WHERE user_id = ? AND path IN (SELECT value FROM json_each(?))'),
    children: db.prepare<[string, string, string, number], SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM context_entries e WHERE e.user_id = ? AND e.parent = ? AND e.name > ? ORDER BY e.name LIMIT ?`,
    ),
    hasChild: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM context_entries WHERE user_id = ? AND parent = ? LIMIT 1'),
    insert: db.prepare<Insert>(
      `INSERT INTO context_entries (user_id, path, parent, name, kind, content_type, content, metadata, version, etag, size, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?), 1, ?, ?, ?, ?)`,
    ),
    update: db.prepare<Update>('UPDATE context_entries SET content_type = ?, content = ?, metadata = jsonb(?), version = ?, etag = ?, size = ?, updated_at = ? WHERE id = ?'),
    /** The current version of a document becomes history (copied inside SQLite, not through JavaScript). */
    archive: db.prepare<[number]>(
      `INSERT INTO context_versions (entry_id, version, etag, content_type, content, metadata, size, updated_at)
       SELECT id, version, etag, content_type, content, metadata, size, updated_at FROM context_entries WHERE id = ?`,
    ),
    /** Parameters: entry id, the oldest version to keep. */
    prune: db.prepare<[number, number]>('DELETE FROM context_versions WHERE entry_id = ? AND version < ?'),
    versions: db.prepare<[number], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM context_versions WHERE entry_id = ? ORDER BY version DESC`),
    version: db.prepare<[number, number], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM context_versions WHERE entry_id = ? AND version = ?`),
    subtree: db.prepare<Subtree, SubtreeRow>(`SELECT e.id, e.path, e.parent, e.kind FROM context_entries e WHERE ${SUBTREE}`),
    deleteVersions: db.prepare<Subtree>(`DELETE FROM context_versions WHERE entry_id IN (SELECT e.id FROM context_entries e WHERE ${SUBTREE})`),
    deleteIndexed: db.prepare<Subtree>(`DELETE FROM context_fts WHERE rowid IN (SELECT e.id FROM context_entries e WHERE ${SUBTREE} AND e.kind = 'document')`),
    deleteEntries: db.prepare<Subtree>(`DELETE FROM context_entries AS e WHERE ${SUBTREE}`),
    rename: db.prepare<[path: string, parent: string, name: string, etag: string, id: number]>('UPDATE context_entries SET path = ?, parent = ?, name = ?, etag = ? WHERE id = ?'),
  };
}

export type ContextStatements = ReturnType<typeof prepareContextStatements>;

export function toSummary(row: SummaryRow): ContextSummary {
  return {
    path: row.path,
    kind: row.kind,
    contentType: row.content_type,
    metadata: parseMetadata(row.metadata),
    version: row.version,
    etag: row.etag,
    size: row.size,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toEntry(row: EntryRow): ContextEntry {
  return { ...toSummary(row), content: readContent(row.content, row.content_type) };
}

export function toVersion(row: VersionRow): ContextVersion {
  return {
    version: row.version,
    etag: row.etag,
    contentType: row.content_type,
    metadata: parseMetadata(row.metadata),
    size: row.size,
    updatedAt: row.updated_at,
    content: readContent(row.content, row.content_type),
  };
}
