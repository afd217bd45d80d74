/**
 * A whole context query as it arrives in text: URL query parameters
 * (`GET /api/context?prefix=/Projects/&where=priority = "high"&orderBy=updatedAt desc&limit=20`)
 * or CLI arguments. Every parameter is checked and every problem reported at once, one
 * `details.errors` entry per parameter; the result always passes contextQuerySchema.
 */
import { isKernelError, KernelError } from '../errors.js';
import { contextQuerySchema, MAX_QUERY_LIMIT, type ContextQuery } from './query.js';
import { issuesOf, parameterError, type QueryIssue } from './query-errors.js';
import { ENTRY_KINDS, resolveFieldName } from './query-fields.js';
import { parseContextQuery } from './query-language.js';
import { Lexer } from './query-lexer.js';

export type OrderBy = ContextQuery['orderBy'][number];

/** Each parameter as received; absent, `undefined` and `''` all mean "the default". */
export interface ContextRequestParams {
  /** Folder to query below (default `/`). */
  prefix?: string | undefined;
  /** Query-language condition (parseContextQuery); blank means none. */
  where?: string | undefined;
  /** `field [asc|desc], …` (parseOrderBy). */
  orderBy?: string | undefined;
  /** 1..MAX_QUERY_LIMIT (default 100). */
  limit?: string | number | undefined;
  /** Comma-separated `document`, `folder` (default `document`). */
  kinds?: string | undefined;
}

export interface ContextRequestOptions {
  /**
   * Turns the prefix into the store's canonical path or throws KernelError `invalid_input`:
   * normalizeContextPath from src/security/acl. Required rather than defaulted because the
   * kernel cannot import security, and a store must never see an unnormalized prefix.
   */
  normalizePrefix: (raw: string) => string;
}

export const MAX_ORDER_BY_TEXT_LENGTH = 512;
const MAX_ORDER_BY_FIELDS = 4;

export function parseContextRequest(params: ContextRequestParams, options: ContextRequestOptions): ContextQuery {
  const issues: QueryIssue[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!isKernelError(error, 'invalid_input')) throw error;
      issues.push(...issuesOf(error));
      return undefined;
    }
  };
  const given = (value: unknown): boolean => value !== undefined && value !== '';

  const prefix = given(params.prefix) ? attempt(() => normalizePrefix(params.prefix, options)) : '/';
  const whereText = params.where;
  const blank = whereText === undefined || (typeof whereText === 'string' && whereText.trim() === '');
  const where = blank ? undefined : attempt(() => parseContextQuery(whereText));
  const orderBy = given(params.orderBy) ? attempt(() => parseOrderBy(params.orderBy as string)) : [];
  const limit = given(params.limit) ? attempt(() => parseLimit(params.limit)) : undefined;
  const kinds = given(params.kinds) ? attempt(() => parseKinds(params.kinds)) : undefined;
  if (issues.length > 0) {
    const listed = issues.map((issue) => `${issue.field}: ${issue.reason}`).join('; ');
    throw new KernelError('invalid_input', `invalid context query: ${listed}`, { details: { errors: issues } });
  }
  const checked = contextQuerySchema.safeParse({
    prefix,
    ...(where === undefined ? {} : { where }),
    orderBy,
    ...(limit === undefined ? {} : { limit }),
    ...(kinds === undefined ? {} : { kinds }),
  });
  // Unreachable if the checks above mirror the schema; kept so a drift can never leak an invalid query.
  if (!checked.success) throw parameterError('query', checked.error.issues.map((issue) => issue.message).join('; '));
  return checked.data;
}

function normalizePrefix(raw: unknown, options: ContextRequestOptions): string {
  if (typeof raw !== 'string') throw parameterError('prefix', 'must be a string');
  try {
    return options.normalizePrefix(raw);
  } catch (error) {
    if (isKernelError(error, 'invalid_input')) throw parameterError('prefix', error.message);
    throw error;
  }
}

/**
 * `field [asc|desc] { , field [asc|desc] }`: at most 4 distinct fields, ascending unless
 * stated; field names as in `where` (docs/context-queries.md).
 */
export function parseOrderBy(text: string): OrderBy[] {
  if (typeof text !== 'string') throw parameterError('orderBy', 'must be a string');
  if (text.length > MAX_ORDER_BY_TEXT_LENGTH) {
    throw parameterError('orderBy', `is ${text.length} characters long; at most ${MAX_ORDER_BY_TEXT_LENGTH} are allowed`);
  }
  const lexer: Lexer = new Lexer({ field: 'orderBy', text });
  const orderBy: OrderBy[] = [];
  for (;;) {
    const token = lexer.next();
    if (token.kind !== 'name') {
      const hint = token.kind === 'keyword' ? `; a metadata field with that name is written metadata.${token.word}` : '';
      lexer.fail(token.start, `expected a field name${orderBy.length === 0 ? '' : ' after ","'}, found ${lexer.describe(token)}${hint}`);
    }
    if (orderBy.length === MAX_ORDER_BY_FIELDS) lexer.fail(token.start, `at most ${MAX_ORDER_BY_FIELDS} fields can be ordered by`);
    const resolved = resolveFieldName(token.text);
    if ('problem' in resolved) lexer.fail(token.start, resolved.problem);
    if (orderBy.some((entry) => entry.field === resolved.field)) lexer.fail(token.start, `${token.text} is already ordered by`);
    let direction: 'asc' | 'desc' = 'asc';
    let after = lexer.next();
    const word = after.kind === 'name' ? after.text.toLowerCase() : '';
    if (word === 'asc' || word === 'desc') {
      direction = word;
      after = lexer.next();
    }
    orderBy.push({ field: resolved.field, direction });
    if (after.kind === 'end') return orderBy;
    if (after.kind !== 'punct' || after.text !== ',') {
      const expected = word === 'asc' || word === 'desc' ? '"," or the end' : 'asc, desc, "," or the end';
      lexer.fail(after.start, `expected ${expected} after ${token.text}, found ${lexer.describe(after)}`);
    }
  }
}

function parseLimit(raw: unknown): number {
  const problem = `must be a whole number from 1 to ${MAX_QUERY_LIMIT}`;
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 1 && raw <= MAX_QUERY_LIMIT) return raw;
    throw parameterError('limit', problem);
  }
  if (typeof raw !== 'string' || !/^[0-9]{1,7}$/.test(raw)) throw parameterError('limit', problem);
  const limit = Number(raw);
  if (limit < 1 || limit > MAX_QUERY_LIMIT) throw parameterError('limit', problem);
  return limit;
}

function parseKinds(raw: unknown): Array<(typeof ENTRY_KINDS)[number]> {
  if (typeof raw !== 'string') throw parameterError('kinds', 'must be a string');
  const kinds = new Set<(typeof ENTRY_KINDS)[number]>();
  for (const item of raw.split(',').map((part) => part.trim())) {
    const kind = ENTRY_KINDS.find((candidate) => candidate === item);
    if (kind === undefined) throw parameterError('kinds', `must be a comma-separated list of document and folder, not ${JSON.stringify(item.slice(0, 32))}`);
    kinds.add(kind);
  }
  return [...kinds];
}
