/**
 * The `data` of each `context.*` request event the `context` driver handles, as zod schemas.
 * Paths are checked with normalizeContextPath by the driver (the security stage has already
 * normalized and checked `data.path` and `data.to`); `owner` names another user's hub, which
 * needs that user's grant.
 */
import { z } from 'zod';
import { userIdSchema } from '../../kernel/index.js';
import { conditionSchema, fieldSchema, MAX_QUERY_LIMIT } from '../../kernel/context/index.js';

const path = z.string().min(1).max(4096);
const limit = z.number().int().min(1).max(MAX_QUERY_LIMIT);
const owner = userIdSchema.optional();
const metadata = z.record(z.string(), z.unknown()).refine((value) => !Array.isArray(value), 'must be a JSON object');

export const readRequestSchema = z.strictObject({
  path,
  owner,
  /** An earlier version instead of the current one. */
  version: z.number().int().min(1).optional(),
});

export const writeRequestSchema = z.strictObject({
  path,
  owner,
  content: z.unknown().refine((value) => value !== undefined, 'is required (null is a valid JSON document)'),
  /** Default: text/plain for a string, application/json for any other value. */
  contentType: z.string().min(1).max(255).optional(),
  /** Omitted: the document keeps its current metadata. */
  metadata: metadata.optional(),
  ifMatch: z.string().min(1).max(256).optional(),
  ifNoneMatch: z.literal('*').optional(),
});

export const deleteRequestSchema = z.strictObject({
  path,
  owner,
  recursive: z.boolean().default(false),
  ifMatch: z.string().min(1).max(256).optional(),
});

export const moveRequestSchema = z.strictObject({
  path,
  to: path,
  owner,
  ifMatch: z.string().min(1).max(256).optional(),
});

export const listRequestSchema = z.strictObject({
  /** The folder; the root by default. */
  path: path.default('/'),
  owner,
  limit: limit.default(100),
  cursor: z.string().min(1).max(2048).optional(),
});

const orderByItem = z.strictObject({ field: fieldSchema, direction: z.enum(['asc', 'desc']).default('asc') });

export const queryRequestSchema = z.strictObject({
  prefix: path.default('/'),
  owner,
  /** The text language (`priority = "high" and tags contains "q3"`) or its AST. */
  where: z.union([z.string().max(4096), conditionSchema]).optional(),
  /** `updatedAt desc, name`, or `[{field, direction}]`. */
  orderBy: z.union([z.string().max(1024), z.array(orderByItem).max(4)]).optional(),
  limit: limit.default(100),
  kinds: z.union([z.string().max(64), z.array(z.enum(['document', 'folder'])).min(1)]).optional(),
});

export const searchRequestSchema = z.strictObject({
  text: z.string().min(1).max(1024),
  prefix: path.default('/'),
  owner,
  limit: limit.default(20),
});

export type ReadRequest = z.output<typeof readRequestSchema>;
export type WriteRequest = z.output<typeof writeRequestSchema>;
export type DeleteRequest = z.output<typeof deleteRequestSchema>;
export type MoveRequest = z.output<typeof moveRequestSchema>;
export type ListRequest = z.output<typeof listRequestSchema>;
export type QueryRequest = z.output<typeof queryRequestSchema>;
export type SearchRequest = z.output<typeof searchRequestSchema>;
