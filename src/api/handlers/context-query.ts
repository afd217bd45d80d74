/**
 * GET /api/context: full-text search (`?search=`), a query (`?prefix=&where=&orderBy=&limit=&kinds=`),
 * or, with neither, the root folder's listing. The contract is documented with the rest of
 * /api/context in context-documents.ts; the query language in docs/context-queries.md.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { MAX_QUERY_LIMIT, parseContextRequest } from '../../kernel/context/index.js';
import { normalizeContextPath } from '../../security/index.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';
import { listFolder } from './context-actions.js';
import { contextPath, ownerParam, resolveTarget, summaryView } from './context-shared.js';

const DEFAULT_SEARCH_LIMIT = 20;

/** Every parameter of the three forms; which ones may be combined is checked below, naming the parameter. */
const collectionSchema = z.strictObject({
  owner: ownerParam,
  search: z.string().min(1, 'must not be empty').max(1024).optional(),
  prefix: z.string().max(4096).optional(),
  where: z.string().optional(),
  orderBy: z.string().optional(),
  kinds: z.string().optional(),
  limit: z.string().optional(),
  cursor: z.string().min(1).max(2048).optional(),
});
type CollectionQuery = z.output<typeof collectionSchema>;

const QUERY_PARAMS = ['prefix', 'where', 'orderBy', 'kinds'] as const;

export async function getContextCollection(context: AuthenticatedContext): Promise<ApiResponse> {
  const params = parseQuery(context.request.url, collectionSchema);
  if (params.search !== undefined) return search(context, params);
  if (QUERY_PARAMS.some((name) => params[name] !== undefined)) return query(context, params);
  refuse(params, ['search', ...QUERY_PARAMS], 'root listing');
  const limit = params.limit === undefined ? 100 : parseLimit(params.limit, 'limit');
  const target = await resolveTarget(context, '/', params.owner, 'read');
  return listFolder(context, target, { limit, ...(params.cursor !== undefined && { cursor: params.cursor }) });
}

async function search(context: AuthenticatedContext, params: CollectionQuery): Promise<ApiResponse> {
  refuse(params, ['where', 'orderBy', 'kinds', 'cursor'], 'search');
  const prefix = params.prefix === undefined || params.prefix === '' ? '/' : contextPath(params.prefix, 'prefix');
  const limit = params.limit === undefined ? DEFAULT_SEARCH_LIMIT : parseLimit(params.limit, 'limit');
  const target = await resolveTarget(context, prefix, params.owner, 'read');
  const hits = await context.services.context.search(target.owner, params.search ?? '', { prefix: target.path, limit });
  return json(200, {
    search: params.search,
    prefix: target.path,
    hits: hits.map((hit) => ({ entry: summaryView(hit.entry), score: hit.score, ...(hit.snippet !== undefined && { snippet: hit.snippet }) })),
  });
}

async function query(context: AuthenticatedContext, params: CollectionQuery): Promise<ApiResponse> {
  refuse(params, ['cursor'], 'query');
  const parsed = parseContextRequest(
    { prefix: params.prefix, where: params.where, orderBy: params.orderBy, limit: params.limit, kinds: params.kinds },
    { normalizePrefix: (raw) => normalizeContextPath(raw) },
  );
  const target = await resolveTarget(context, parsed.prefix, params.owner, 'read');
  const entries = await context.services.context.query(target.owner, parsed);
  return json(200, { prefix: parsed.prefix, entries: entries.map(summaryView) });
}

/** Parameters that belong to another form are refused, not ignored: a silently dropped filter returns the wrong answer. */
function refuse(params: CollectionQuery, names: readonly (keyof CollectionQuery)[], form: string): void {
  const extra = names.filter((name) => params[name] !== undefined);
  if (extra.length === 0) return;
  const errors = extra.map((field) => ({ field, reason: `cannot be used in a ${form}` }));
  throw new KernelError('invalid_input', `${extra.join(', ')} cannot be used in a ${form}`, { details: { errors } });
}

function parseLimit(raw: string, field: string): number {
  const parsed = wholeNumberParam(1, MAX_QUERY_LIMIT).safeParse(raw);
  if (!parsed.success) {
    const reason = parsed.error.issues[0]?.message ?? `must be a whole number from 1 to ${MAX_QUERY_LIMIT}`;
    throw new KernelError('invalid_input', `${field} ${reason}`, { details: { errors: [{ field, reason }] } });
  }
  return parsed.data;
}
