/**
 * How context entries are laid out as items of the `context` container (partition key
 * `/userId`), and read back.
 *
 * Two item types, told apart by `type`:
 * - `entry`: one per document or folder. `{ id, userId, type, path, parent, name, depth, kind,
 *   content, contentType, metadata, version, size, createdAt, updatedAt, lineage, text?, moving? }`.
 *   Its ETag is the item's own `_etag`, so `IfMatch` is checked by the service. JSON content is
 *   stored as a JSON value (not as text: a 1 MiB JSON document stored as a string grows by its
 *   escaped quotes and could pass the 2 MB item limit); text content as a string.
 * - `version`: one per kept earlier version of a document, `{ id, userId, type, path, depth,
 *   lineage, version, etag, contentType, metadata, size, updatedAt, content }`. Separate items, not
 *   an array in the entry: with 1 MiB documents and versionsKept = 10 an array would pass the
 *   2 MB item limit after one version. `etag` is the `_etag` the entry had at that version.
 *
 * Ids: Cosmos ids may not contain `/ \ ? #` and have at most 255 characters. An entry's id is
 * `p:<base64url of the path's UTF-8>` (reversible) when that is at most 200 characters, else
 * `h:<base64url SHA-256 of the path>` (the path is in `path` either way; `:` never occurs in
 * base64url, so the two forms cannot collide). A version's id is `<entry id>:v<version>`, which
 * no entry id can equal (entry ids have one `:`).
 *
 * `lineage` is a random id given to an entry when it is created and kept by moves. Version items
 * carry the lineage of the entry they belong to; versions of an earlier entry at the same path
 * (deleted, with its versions not yet cleaned up after a crash) never show, and are pruned by the
 * next write there. `moving` and `movingTo` mark the two ends of a move that has not finished
 * (cosmos-context-tree.ts). `text` and `words` serve search (cosmos-context-search.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { FOLDER_CONTENT_TYPE, isJsonContentType, nameOf, parentOf } from '../../kernel/context/index.js';
import { type ContextEntry, type ContextSummary, type ContextVersion, KernelError } from '../../kernel/index.js';

const MAX_ENCODED_ID = 200;

export const ENTRY_TYPE = 'entry';
export const VERSION_TYPE = 'version';

export interface EntryDocument {
  id: string;
  userId: string;
  type: typeof ENTRY_TYPE;
  path: string;
  parent: string;
  name: string;
  depth: number;
  kind: 'document' | 'folder';
  content: unknown;
  contentType: string;
  metadata: Record<string, unknown>;
  version: number;
  size: number;
  createdAt: string;
  updatedAt: string;
  lineage: string;
  /** Search text and its word count (documents only; cosmos-context-search.ts). */
  text?: string;
  words?: number;
  /** On a move's target: the source path, until the move has finished. */
  moving?: string;
  /** On a move's source: the target path it is being moved to. */
  movingTo?: string;
}

export interface VersionDocument {
  id: string;
  userId: string;
  type: typeof VERSION_TYPE;
  path: string;
  depth: number;
  lineage: string;
  version: number;
  etag: string;
  contentType: string;
  metadata: Record<string, unknown>;
  size: number;
  updatedAt: string;
  content: unknown;
}

const metadataSchema = z.record(z.string(), z.unknown());
const summarySchema = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.literal(ENTRY_TYPE),
  path: z.string().startsWith('/'),
  kind: z.enum(['document', 'folder']),
  contentType: z.string(),
  metadata: metadataSchema,
  version: z.number().int().min(1),
  size: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
  lineage: z.string(),
  moving: z.string().optional(),
  movingTo: z.string().optional(),
  _etag: z.string(),
});
const versionSchema = z.object({
  type: z.literal(VERSION_TYPE),
  path: z.string(),
  lineage: z.string(),
  version: z.number().int().min(1),
  etag: z.string(),
  contentType: z.string(),
  metadata: metadataSchema,
  size: z.number().int().min(0),
  updatedAt: z.string(),
});

/** An entry as read back (content only when the query selected it). */
export type StoredSummary = z.infer<typeof summarySchema>;
export type StoredEntry = StoredSummary & { content: unknown };

/** The fields a summary query selects: everything but content and search text. */
export const SUMMARY_FIELDS = 'c.id, c.userId, c.type, c.path, c.kind, c.contentType, c.metadata, c.version, c.size, c.createdAt, c.updatedAt, c.lineage, c.moving, c.movingTo, c._etag';

export function entryId(path: string): string {
  const encoded = Buffer.from(path, 'utf8').toString('base64url');
  if (encoded.length <= MAX_ENCODED_ID) return `p:${encoded}`;
  return `h:${createHash('sha256').update(path, 'utf8').digest('base64url')}`;
}

export function versionId(path: string, version: number): string {
  return `${entryId(path)}:v${version}`;
}

export function depthOf(path: string): number {
  return path.split('/').length - 1;
}

export function newLineage(): string {
  return randomUUID();
}

/** What a document write stores: from a checked write (put) or from an earlier version (restore). */
export interface DocumentBody {
  contentType: string;
  metadata: Record<string, unknown>;
  /** As the writer gave it: a JSON value, or the text. */
  content: unknown;
  size: number;
  json: boolean;
}

/** The body of a stored document or version, to be written again (restore). */
export function bodyOf(content: unknown, stored: { contentType: string; metadata: Record<string, unknown>; size: number }): DocumentBody {
  return { contentType: stored.contentType, metadata: stored.metadata, content, size: stored.size, json: isJsonContentType(stored.contentType) };
}

/** A document entry holding `body`, as the next `version` of `path`. */
export function documentItem(
  userId: string,
  path: string,
  body: DocumentBody,
  search: { text: string; words: number },
  at: { version: number; createdAt: string; updatedAt: string; lineage: string },
): EntryDocument {
  return {
    ...location(userId, path),
    kind: 'document',
    content: body.content,
    contentType: body.contentType,
    metadata: body.metadata,
    version: at.version,
    size: body.size,
    createdAt: at.createdAt,
    updatedAt: at.updatedAt,
    lineage: at.lineage,
    text: search.text,
    words: search.words,
  };
}

export function folderItem(userId: string, path: string, now: string): EntryDocument {
  return {
    ...location(userId, path),
    kind: 'folder',
    content: null,
    contentType: FOLDER_CONTENT_TYPE,
    metadata: {},
    version: 1,
    size: 0,
    createdAt: now,
    updatedAt: now,
    lineage: newLineage(),
  };
}

/** The current state of `entry` kept as an earlier version. */
export function versionItem(entry: StoredEntry): VersionDocument {
  return {
    id: versionId(entry.path, entry.version),
    userId: entry.userId,
    type: VERSION_TYPE,
    path: entry.path,
    depth: depthOf(entry.path),
    lineage: entry.lineage,
    version: entry.version,
    etag: entry._etag,
    contentType: entry.contentType,
    metadata: entry.metadata,
    size: entry.size,
    updatedAt: entry.updatedAt,
    content: entry.content,
  };
}

/** `item` (an entry or a version, as stored) moved from below `from` to below `to`. */
export function relocate<T extends { id: string; path: string; type: string; version?: unknown }>(item: T, from: string, to: string): T {
  const path = `${to}${item.path.slice(from.length)}`;
  if (item.type === VERSION_TYPE) return { ...item, id: versionId(path, Number(item.version)), path, depth: depthOf(path) };
  return { ...item, id: entryId(path), path, parent: parentOf(path), name: nameOf(path), depth: depthOf(path) };
}

function location(userId: string, path: string): Pick<EntryDocument, 'id' | 'userId' | 'type' | 'path' | 'parent' | 'name' | 'depth'> {
  return { id: entryId(path), userId, type: ENTRY_TYPE, path, parent: parentOf(path), name: nameOf(path), depth: depthOf(path) };
}

/** Store read is a boundary: anything that is not one of our entries is reported, never passed on. */
export function parseSummary(item: unknown): StoredSummary {
  const parsed = summarySchema.safeParse(item);
  if (!parsed.success) throw corrupt(item, parsed.error);
  return parsed.data;
}

export function parseEntry(item: unknown, expectedPath?: string): StoredEntry {
  const summary = parseSummary(item);
  if (expectedPath !== undefined && summary.path !== expectedPath) throw corrupt(item, undefined, 'holds another path than its id names');
  const content = (item as { content?: unknown }).content;
  return { ...summary, content: content === undefined ? null : content };
}

export function parseVersion(item: unknown): ContextVersion {
  const parsed = versionSchema.safeParse(item);
  if (!parsed.success) throw corrupt(item, parsed.error);
  const { version, etag, contentType, metadata, size, updatedAt } = parsed.data;
  const content = (item as { content?: unknown }).content;
  return { version, etag, contentType, metadata, size, updatedAt, content: content === undefined ? null : content };
}

export function toSummary(stored: StoredSummary): ContextSummary {
  const { path, kind, contentType, metadata, version, size, createdAt, updatedAt, _etag } = stored;
  return { path, kind, contentType, metadata, version, etag: _etag, size, createdAt, updatedAt };
}

export function toEntry(stored: StoredEntry): ContextEntry {
  return { ...toSummary(stored), content: stored.kind === 'folder' ? null : stored.content };
}

function corrupt(item: unknown, cause: unknown, what = 'does not match the context item shape'): KernelError {
  const id = typeof item === 'object' && item !== null && 'id' in item ? String(item.id).slice(0, 300) : '?';
  return new KernelError('internal', `context item ${id} ${what}`, cause === undefined ? {} : { cause });
}
