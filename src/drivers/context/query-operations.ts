/**
 * `context.query` and `context.search`. A query's parts come as text (the language of
 * docs/context-queries.md, as over HTTP) or as data (the AST of src/kernel/context/query.ts);
 * both end as one ContextQuery, checked by contextQuerySchema.
 */
import { type ContextAccessControl, KernelError } from '../../kernel/index.js';
import { type ContextQuery, contextQuerySchema, parseContextRequest } from '../../kernel/context/index.js';
import { answer, parseData, summary, type Operation } from './operations.js';
import { queryRequestSchema, searchRequestSchema, type QueryRequest } from './requests.js';
import { resolveTarget } from './target.js';

export const query: Operation = async (deps, event) => {
  const request = parseData(queryRequestSchema, event);
  const parsed = toContextQuery(request, deps.access);
  const target = await resolveTarget(deps, event, parsed.prefix, 'prefix', request.owner, 'read');
  const entries = await deps.store.query(target.owner, parsed);
  return answer(event, 'context.query.result', target.path, { owner: target.owner, prefix: target.path, entries: entries.map(summary) });
};

export const search: Operation = async (deps, event) => {
  const request = parseData(searchRequestSchema, event);
  const target = await resolveTarget(deps, event, request.prefix, 'prefix', request.owner, 'read');
  const hits = await deps.store.search(target.owner, request.text, { prefix: target.path, limit: request.limit });
  return answer(event, 'context.search.result', target.path, {
    owner: target.owner,
    prefix: target.path,
    text: request.text,
    hits: hits.map((hit) => ({ entry: summary(hit.entry), score: hit.score, ...(hit.snippet !== undefined && { snippet: hit.snippet }) })),
  });
};

/** Text parts through the query language, data parts through the AST's schema. */
function toContextQuery(request: QueryRequest, access: ContextAccessControl): ContextQuery {
  const textual = parseContextRequest(
    {
      prefix: request.prefix,
      limit: request.limit,
      ...(typeof request.where === 'string' && { where: request.where }),
      ...(typeof request.orderBy === 'string' && { orderBy: request.orderBy }),
      ...(typeof request.kinds === 'string' && { kinds: request.kinds }),
    },
    { normalizePrefix: (raw) => access.normalizePath(raw) },
  );
  const checked = contextQuerySchema.safeParse({
    ...textual,
    ...(typeof request.where === 'object' && { where: request.where }),
    ...(Array.isArray(request.orderBy) && { orderBy: request.orderBy }),
    ...(Array.isArray(request.kinds) && { kinds: request.kinds }),
  });
  if (!checked.success) throw new KernelError('invalid_input', `context.query is invalid: ${checked.error.issues.map((issue) => `data.${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return checked.data;
}
