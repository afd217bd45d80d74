/**
 * Folder listings, versions, and the POST actions on a path (move, restore, mkdir). The
 * contract is documented with the rest of /api/context in context-documents.ts.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { isJsonContentType } from '../../kernel/context/index.js';
import { readJsonBody } from '../json-body.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';
import {
  checkSecondPath,
  contextPath,
  entryHeaders,
  entryLocation,
  notFound,
  ownerParam,
  quoteEtag,
  resolveIfMatch,
  resolveTarget,
  routePath,
  summaryView,
  type ContextTarget,
} from './context-shared.js';

const postSchema = z.strictObject({
  owner: ownerParam,
  action: z.enum(['move', 'restore', 'mkdir'], { error: 'must be move, restore or mkdir' }),
  version: wholeNumberParam(1, 1_000_000_000).optional(),
});
const moveBodySchema = z.strictObject({ to: z.string().min(1).max(4096) });

export async function listFolder(context: AuthenticatedContext, target: ContextTarget, page: { limit: number; cursor?: string }): Promise<ApiResponse> {
  const { entries, next } = await context.services.context.list(target.owner, target.path, page);
  return json(200, { path: target.path, entries: entries.map(summaryView), ...(next !== undefined && { next }) });
}

export async function listVersions(context: AuthenticatedContext, target: ContextTarget): Promise<ApiResponse> {
  const store = context.services.context;
  const entry = await store.get(target.owner, target.path);
  if (entry === undefined) throw notFound(target);
  if (entry.kind === 'folder') throw new KernelError('conflict', `${target.path} is a folder; only documents have versions`);
  const versions = await store.versions(target.owner, target.path);
  return json(200, { path: target.path, current: entry.version, versions: versions.map(({ content: _content, ...version }) => version) });
}

/** One earlier version: its content in its media type, or (`view=entry`) its whole record as JSON. */
export async function getVersion(context: AuthenticatedContext, target: ContextTarget, number: number, view: 'content' | 'entry'): Promise<ApiResponse> {
  const versions = await context.services.context.versions(target.owner, target.path);
  const version = versions.find((candidate) => candidate.version === number);
  if (version === undefined) throw new KernelError('not_found', `${target.path} has no version ${number} (kept: ${versions.map((v) => v.version).join(', ') || 'none'})`);
  const headers = { etag: quoteEtag(version.etag), 'last-modified': new Date(version.updatedAt).toUTCString(), 'vextir-version': String(version.version) };
  if (view === 'entry') return json(200, { path: target.path, ...version }, headers);
  return contentResponse(version, headers);
}

export async function postContext(context: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(context.request.url, postSchema);
  const target = await resolveTarget(context, routePath(context), query.owner, 'write');
  const store = context.services.context;
  switch (query.action) {
    case 'move': {
      const body = await readJsonBody(context.request, 16 * 1024, moveBodySchema, 'the move');
      const to = contextPath(body.to, 'to');
      await checkSecondPath(context, target, to, 'write');
      const ifMatch = await resolveIfMatch(context, target);
      const moved = await store.move(target.owner, target.path, to, ifMatch === undefined ? {} : { ifMatch });
      return json(200, summaryView(moved), { ...entryHeaders(moved), location: entryLocation(target, moved.path) });
    }
    case 'restore': {
      if (query.version === undefined) throw new KernelError('invalid_input', 'restore needs ?version=N', { details: { errors: [{ field: 'version', reason: 'is required for action=restore' }] } });
      const ifMatch = await resolveIfMatch(context, target);
      const restored = await store.restore(target.owner, target.path, query.version, ifMatch === undefined ? {} : { ifMatch });
      return json(200, summaryView(restored), { ...entryHeaders(restored), location: entryLocation(target, restored.path) });
    }
    case 'mkdir': {
      const existed = (await store.get(target.owner, target.path)) !== undefined;
      const folder = await store.makeFolder(target.owner, target.path);
      return json(existed ? 200 : 201, summaryView(folder), { ...entryHeaders(folder), location: entryLocation(target, folder.path) });
    }
  }
}

/** A document's content in its own media type: JSON as JSON, text with its charset. */
export function contentResponse(document: { content: unknown; contentType: string }, headers: Record<string, string>): ApiResponse {
  const isJson = isJsonContentType(document.contentType);
  const body = isJson ? JSON.stringify(document.content) : String(document.content);
  const contentType = isJson || document.contentType.includes(';') ? document.contentType : `${document.contentType}; charset=utf-8`;
  return { status: 200, headers: { ...headers, 'content-type': contentType }, body };
}
