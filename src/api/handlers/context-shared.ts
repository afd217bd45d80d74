/**
 * What every /api/context handler shares: whose hub and which path a request addresses (and
 * whether the caller may), ETags in headers, and the JSON views of entries. The HTTP contract
 * itself is documented once, in context-documents.ts.
 */
import { type ContextEntry, type ContextSummary, isKernelError, KernelError, userIdSchema } from '../../kernel/index.js';
import { normalizeContextPath, type Access } from '../../security/acl/index.js';
import { recordGrantedAccess } from '../audit-trail.js';
import { invalidInput } from '../validation.js';
import type { AuthenticatedContext } from './context.js';

/** Whose documents a request reads or writes, at which normalized path. */
export interface ContextTarget {
  owner: string;
  path: string;
  /** False when the caller acts on another user's hub through a grant. */
  own: boolean;
}

/** `?owner=`: another user's hub, reachable only through their grant. */
export const ownerParam = userIdSchema.optional();


/** A path from the URL (decoded once by the router) or a parameter, normalized; 400 naming `field` otherwise. */
export function contextPath(raw: string, field: string): string {
  try {
    return normalizeContextPath(raw);
  } catch (error) {
    if (isKernelError(error, 'invalid_input')) throw invalidInput(`the ${field}`, [{ field, reason: error.message }]);
    throw error;
  }
}

/** The path from the route's `*path` parameter (the router leaves off its leading slash). */
export function routePath(context: AuthenticatedContext): string {
  return contextPath(`/${context.params['path'] ?? ''}`, 'path');
}

/**
 * The caller's own hub unless `owner` names another user, who must have granted the caller
 * `access` on `path` (or a folder above it): 403 otherwise, whether or not anything exists
 * there, so a refusal tells nothing about another user's documents. A caller's first use of
 * their own hub provisions its starting workspace.
 */
export async function resolveTarget(context: AuthenticatedContext, path: string, owner: string | undefined, access: Access): Promise<ContextTarget> {
  const { services, identity } = context;
  if (owner === undefined || owner === identity.userId) {
    await services.contextWorkspace.ensure(identity.userId);
    return { owner: identity.userId, path, own: true };
  }
  const decision = await services.security.grants.check({ principal: { userId: identity.userId }, owner, path, access });
  if (!decision.allowed) {
    throw new KernelError('forbidden', `${owner} has not granted you ${access} access to ${path}`, { details: { errors: [{ field: 'owner', reason: decision.reason }] } });
  }
  await recordGrantedAccess(context.services, context.request, { owner, by: identity.userId, path, mode: access, grantPath: decision.grant?.path });
  return { owner, path, own: false };
}

/** Checks a second path of one request (a move's target) against the same grant rules. */
export async function checkSecondPath(context: AuthenticatedContext, target: ContextTarget, path: string, access: Access): Promise<void> {
  if (!target.own) await resolveTarget(context, path, target.owner, access);
}

export function notFound(target: ContextTarget): KernelError {
  return new KernelError('not_found', `there is no document or folder at ${target.path}${target.own ? '' : ` of ${target.owner}`}`);
}

/** The header form of a store ETag (quoted, as RFC 9110 writes entity tags). */
export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** `"abc"`, `W/"abc"` or a bare `abc`: the store's ETag the client read. */
export function unquoteEtag(value: string): string {
  return value.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** Whether an If-None-Match header (`*` or a comma list of ETags) matches the entry. */
export function noneMatchHits(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => unquoteEtag(candidate) === etag);
}

/** One ETag from If-Match; `*` is resolved by the caller (it means "whatever exists"). */
export function ifMatchHeader(header: string | null): string | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  if (value === '' || value.includes(',')) {
    throw invalidInput('the If-Match header', [{ field: 'if-match', reason: 'must be one ETag (as received in the ETag header) or *' }]);
  }
  return unquoteEtag(value);
}

/** An entry without its content: what listings, queries and writes answer with. */
export function summaryView(entry: ContextEntry | ContextSummary): ContextSummary {
  const { content: _content, ...summary } = entry as ContextEntry;
  return summary;
}

/** The URL of an entry: each segment percent-encoded, `?owner=` when it is another user's. */
export function entryLocation(target: { owner: string; own: boolean }, path: string): string {
  const encoded = path === '/' ? '' : path.split('/').map(encodeURIComponent).join('/');
  return `/api/context${encoded}${target.own ? '' : `?owner=${encodeURIComponent(target.owner)}`}`;
}

/** JSON that is safe in a header value: non-ASCII as \u escapes (JSON.stringify already escapes controls). */
export function headerJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Metadata longer than this is left out of the Vextir-Metadata header (`?view=entry` has it):
 * HTTP clients refuse responses whose headers pass ~16 KiB, and metadata may be 64 KiB.
 */
export const MAX_METADATA_HEADER = 4096;

/** Validators and facts about an entry, sent with every answer about one entry. */
export function entryHeaders(entry: ContextSummary): Record<string, string> {
  const metadata = headerJson(entry.metadata);
  return {
    etag: quoteEtag(entry.etag),
    'last-modified': new Date(entry.updatedAt).toUTCString(),
    'vextir-version': String(entry.version),
    'vextir-kind': entry.kind,
    ...(metadata.length <= MAX_METADATA_HEADER && { 'vextir-metadata': metadata }),
  };
}

/** The If-Match ETag; `*` ("whatever is there") becomes the current ETag, or 412 when nothing is. */
export async function resolveIfMatch(context: AuthenticatedContext, target: ContextTarget): Promise<string | undefined> {
  const ifMatch = ifMatchHeader(context.request.headers.get('if-match'));
  if (ifMatch !== '*') return ifMatch;
  const current = await context.services.context.get(target.owner, target.path);
  if (current === undefined) throw new KernelError('precondition_failed', `If-Match: * failed: there is nothing at ${target.path}`);
  return current.etag;
}
