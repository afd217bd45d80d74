/**
 * The context hub's query, as data: what the text query language (query-language.ts) parses
 * into and what every store compiles to a parameterized query of its own (SQLite SQL, Cosmos
 * SQL). Users never send SQL; field names are checked against FIELD_PATH before any store sees
 * them, and every value travels as a parameter.
 *
 * Fields: `path`, `name` (last segment), `kind` (`document`/`folder`), `contentType`, `size`,
 * `version`, `createdAt`, `updatedAt`, and `metadata.<name>[.<name>...]` (the document's own
 * metadata object).
 */
import { z } from 'zod';

/** A field name: a built-in field or `metadata.` plus dot-separated identifiers. */
export const FIELD_PATH = /^(?:path|name|kind|contentType|size|version|createdAt|updatedAt|metadata(?:\.[A-Za-z_][A-Za-z0-9_]{0,63}){1,8})$/;

export const fieldSchema = z.string().regex(FIELD_PATH, 'must be path, name, kind, contentType, size, version, createdAt, updatedAt or metadata.<name>');
export const scalarSchema = z.union([z.string().max(1024), z.number().finite(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;

export type Condition =
  | { op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; field: string; value: Scalar }
  | { op: 'in'; field: string; values: Scalar[] }
  | { op: 'contains'; field: string; value: string }
  | { op: 'startsWith'; field: string; value: string }
  | { op: 'exists'; field: string }
  | { op: 'and' | 'or'; conditions: Condition[] }
  | { op: 'not'; condition: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({ op: z.enum(['eq', 'ne', 'lt', 'le', 'gt', 'ge']), field: fieldSchema, value: scalarSchema }),
    z.strictObject({ op: z.literal('in'), field: fieldSchema, values: z.array(scalarSchema).min(1).max(100) }),
    z.strictObject({ op: z.literal('contains'), field: fieldSchema, value: z.string().max(1024) }),
    z.strictObject({ op: z.literal('startsWith'), field: fieldSchema, value: z.string().max(1024) }),
    z.strictObject({ op: z.literal('exists'), field: fieldSchema }),
    z.strictObject({ op: z.enum(['and', 'or']), conditions: z.array(conditionSchema).min(1).max(50) }),
    z.strictObject({ op: z.literal('not'), condition: conditionSchema }),
  ]),
);

export const MAX_QUERY_LIMIT = 1000;

export const contextQuerySchema = z.strictObject({
  /** Only entries at or below this folder (normalized path; `/` for everything). */
  prefix: z.string().default('/'),
  where: conditionSchema.optional(),
  orderBy: z.array(z.strictObject({ field: fieldSchema, direction: z.enum(['asc', 'desc']).default('asc') })).max(4).default([]),
  limit: z.number().int().min(1).max(MAX_QUERY_LIMIT).default(100),
  /** Documents only (default), or folders too. */
  kinds: z.array(z.enum(['document', 'folder'])).min(1).default(['document']),
});
export type ContextQuery = z.output<typeof contextQuerySchema>;
export type ContextQueryInput = z.input<typeof contextQuerySchema>;

/** Nesting of and/or/not a store must compile; deeper queries are refused as invalid input. */
export const MAX_CONDITION_DEPTH = 8;
