/**
 * The Context Hub over HTTP: each user's documents and folders, addressed by path. This comment
 * is the reference for every /api/context endpoint (documents here; listing, move and versions
 * in context-actions.ts; query and search in context-query.ts).
 *
 * Paths: `/api/context/Projects/Alpha/status` addresses `/Projects/Alpha/status`. Each segment
 * is percent-decoded once, then the path is normalized (src/security/acl/context-path.ts): a
 * bad, too long (1024 bytes) or too deep (32 segments) path is 400 naming `path`. Everything is
 * in the caller's own hub; `?owner=<user id>` (on every endpoint) reaches another user's hub
 * when that user granted the caller access to the path or a folder above it (`/api/grants`):
 * read for GET/HEAD, write for PUT/DELETE/POST. No grant: 403 (naming `owner`), whether or not
 * anything exists there. A caller's first request provisions their starting workspace
 * (/Projects, /Documents, /Notes, /Research and /Welcome).
 *
 * PUT /api/context/{path} — create or replace a document (missing folders are created):
 *   - `Content-Type: application/json` (or any `+json`): the body is the JSON document;
 *   - `Content-Type: text/*` (UTF-8): the body is the text, kept with that media type
 *     (`text/markdown`, `text/plain`...);
 *   - `Content-Type: application/vnd.vextir.context+json`: the body is
 *     `{"content": <JSON or string>, "contentType"?: "text/markdown", "metadata"?: {...}}`
 *     (contentType defaults to text/plain for a string, application/json otherwise).
 *   Metadata (a JSON object, queried as `metadata.<name>`) comes from the envelope or, for raw
 *   bodies, a `Vextir-Metadata: {"priority":"high"}` header (ASCII JSON). Without metadata the
 *   document keeps its current metadata; send `{}` to clear it.
 *   `If-Match: "<etag>"`: only if unchanged since read (else 412; `*`: only if it exists);
 *   `If-None-Match: *`: only if nothing is there yet (else 412).
 *   201 (created) or 200 with the entry's summary as JSON, `ETag`, `Last-Modified`, `Location`.
 *   Over VEXTIR_CONTEXT_MAX_DOC_BYTES (as stored): 413 naming `body`. Other media types: 415.
 *
 * GET /api/context/{path} — a document: 200 with its content in its own media type (JSON, or
 *   the text with `; charset=utf-8`), `ETag`, `Last-Modified`, `Vextir-Version`, `Vextir-Kind`
 *   and `Vextir-Metadata` (the metadata as ASCII JSON, when under 4 KiB); `If-None-Match` -> 304.
 *   `?view=entry`: the whole entry as JSON (`path, kind, content, contentType, metadata,
 *   version, etag, size, createdAt, updatedAt`). `?version=N`: that earlier version instead
 *   (content, or with view=entry the version's record). A folder: its listing
 *   `{path, entries: [summary...], next?}` by name, `?limit=` (1-1000, default 100) and
 *   `?cursor=<next>` for the following page. HEAD: the same headers, no body.
 *
 * DELETE /api/context/{path} — 200 `{path, removed}`; a non-empty folder needs
 *   `?recursive=true` (else 409); `If-Match` as for PUT.
 *
 * POST /api/context/{path}?action=move — body `{"to": "/New/Path"}` (application/json): moves or
 *   renames a document or a folder with everything below it; the target must not exist (409).
 *   200 with the moved entry's summary and its new `Location`. `If-Match` applies to the source.
 * POST /api/context/{path}?action=restore&version=N — makes version N the current content again
 *   (as a new version); 200 with the summary. `If-Match` as for PUT.
 * POST /api/context/{path}?action=mkdir — creates a folder (and missing parents): 201, or 200
 *   when it already exists.
 * GET /api/context/{path}?view=versions — `{path, current, versions: [{version, etag,
 *   contentType, metadata, size, updatedAt}]}`, newest first (earlier versions only; the number
 *   kept is VEXTIR_CONTEXT_VERSIONS). Fetch one with `?version=N`.
 *
 * GET /api/context — the root and the collection:
 *   - `?search=<text>[&prefix=/Projects][&limit=20]`: full-text search over content, names and
 *     metadata, best first: `{search, prefix, hits: [{entry, score, snippet?}]}`;
 *   - `?prefix=/Projects&where=priority = "high"&orderBy=updatedAt desc&limit=20[&kinds=document,folder]`
 *     (any of prefix, where, orderBy, kinds): a query in the text language of
 *     docs/context-queries.md, `{prefix, entries: [summary...]}` (no content);
 *   - otherwise: the root folder's listing (`?limit=&cursor=`).
 *   `limit` is at most 1000. A bad query is 400 naming the parameter and the column.
 *
 * Errors are application/problem+json: 400 invalid path, parameter or body; 403 no grant;
 * 404 nothing at the path; 409 folder/document clash, occupied target, non-empty folder;
 * 412 stale If-Match or If-None-Match: *; 413 too large; 415 unsupported Content-Type.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { writeDocument } from '../../kernel/context/index.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import { readContextWrite } from './context-body.js';
import type { AuthenticatedContext } from './context.js';
import { contentResponse, getVersion, listFolder, listVersions } from './context-actions.js';
import { entryHeaders, entryLocation, noneMatchHits, notFound, ownerParam, resolveIfMatch, resolveTarget, routePath, summaryView, type ContextTarget } from './context-shared.js';

const getSchema = z.strictObject({
  owner: ownerParam,
  view: z.enum(['content', 'entry', 'versions']).default('content'),
  version: wholeNumberParam(1, 1_000_000_000).optional(),
  limit: wholeNumberParam(1, 1000).default(100),
  cursor: z.string().min(1).max(2048).optional(),
});
const putSchema = z.strictObject({ owner: ownerParam });
const deleteSchema = z.strictObject({ owner: ownerParam, recursive: z.enum(['true', 'false']).default('false') });

export async function getContext(context: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(context.request.url, getSchema);
  const target = await resolveTarget(context, routePath(context), query.owner, 'read');
  return readEntry(context, target, query);
}

export async function headContext(context: AuthenticatedContext): Promise<ApiResponse> {
  const { status, headers } = await getContext(context);
  return { status, headers };
}

async function readEntry(context: AuthenticatedContext, target: ContextTarget, query: z.output<typeof getSchema>): Promise<ApiResponse> {
  const store = context.services.context;
  if (query.view === 'versions') return listVersions(context, target);
  const entry = await store.get(target.owner, target.path);
  if (entry === undefined) throw notFound(target);
  if (query.version !== undefined && query.version !== entry.version) return getVersion(context, target, query.version, query.view);
  if (entry.kind === 'folder' && query.view === 'content') return listFolder(context, target, { limit: query.limit, ...(query.cursor !== undefined && { cursor: query.cursor }) });
  const headers = entryHeaders(entry);
  if (noneMatchHits(context.request.headers.get('if-none-match'), entry.etag)) return { status: 304, headers };
  if (query.view === 'entry') return json(200, entry, headers);
  return contentResponse(entry, headers);
}

export async function putContext(context: AuthenticatedContext): Promise<ApiResponse> {
  const { request, services } = context;
  const query = parseQuery(request.url, putSchema);
  const target = await resolveTarget(context, routePath(context), query.owner, 'write');
  const write = await readContextWrite(request, services.limits.maxContextDocumentBytes);
  const options = await writePreconditions(context, target);
  const { entry, created } = await writeDocument(services.context, target.owner, target.path, write, options);
  return json(created ? 201 : 200, summaryView(entry), { ...entryHeaders(entry), location: entryLocation(target, entry.path) });
}

export async function deleteContext(context: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(context.request.url, deleteSchema);
  const target = await resolveTarget(context, routePath(context), query.owner, 'write');
  const ifMatch = await resolveIfMatch(context, target);
  const removed = await context.services.context.delete(target.owner, target.path, { recursive: query.recursive === 'true', ...(ifMatch !== undefined && { ifMatch }) });
  if (removed === 0) throw notFound(target);
  return json(200, { path: target.path, removed });
}

/** If-Match / If-None-Match of a write, as store options. */
async function writePreconditions(context: AuthenticatedContext, target: ContextTarget): Promise<{ ifMatch?: string; ifNoneMatch?: '*' }> {
  const noneMatch = context.request.headers.get('if-none-match');
  if (noneMatch !== null) {
    if (noneMatch.trim() !== '*') throw new KernelError('invalid_input', 'If-None-Match on a write must be *', { details: { errors: [{ field: 'if-none-match', reason: 'must be * (create only)' }] } });
    if (context.request.headers.get('if-match') !== null) {
      throw new KernelError('invalid_input', 'If-Match and If-None-Match cannot be combined', { details: { errors: [{ field: 'if-none-match', reason: 'cannot be combined with If-Match' }] } });
    }
    return { ifNoneMatch: '*' };
  }
  const ifMatch = await resolveIfMatch(context, target);
  return ifMatch === undefined ? {} : { ifMatch };
}
