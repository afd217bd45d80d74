/**
 * The meaning of a ContextQuery, as code: checking a query before a store compiles it, reading a
 * field of an entry, evaluating a Condition and ordering results. The memory adapter runs these
 * directly; the SQLite and Cosmos compilers must agree with them (the contract suite pins it).
 *
 * Semantics (two-valued: every condition is true or false, never "unknown"):
 * - A field is missing when the metadata has no such key (a key holding JSON null is present,
 *   and is null). Built-in fields are always present: `path`, `name`, `kind`, `contentType`,
 *   `createdAt`, `updatedAt` are strings, `size` and `version` numbers.
 * - Types matter: `eq`/`ne`/`in` match only a value of the same JSON type (a number equals a
 *   number, a string a string; `true` never equals `1`, `"1"` never equals `1`). `ne` is "present,
 *   of the same type, and different": a missing field or another type matches neither `eq` nor
 *   `ne` (use `not` for "anything but"; `not` of a false condition is true).
 * - `lt`/`le`/`gt`/`ge` take a number or a string (a boolean or null is `invalid_input`) and match
 *   values of that type only; strings compare by Unicode code point, case-sensitively.
 * - `contains`: a string field containing the value as a substring (case-sensitive), or an array
 *   field with an element equal to the (string) value (`metadata.tags contains "urgent"`).
 * - `startsWith`: a string field starting with the value (case-sensitive).
 * - `exists`: the field is present (JSON null counts as present).
 * - Ordering: each orderBy field in turn, then `path` ascending so that ties are deterministic.
 *   Values of different types order by type: missing < null < false < true < numbers < strings
 *   < arrays and objects (by their JSON text); `desc` reverses all of it, ties on path stay ascending.
 */
import { KernelError } from '../errors.js';
import type { ContextSummary } from '../ports/context.js';
import { compareCodePoints, nameOf } from './entries.js';
import { contextQuerySchema, MAX_CONDITION_DEPTH, type Condition, type ContextQuery, type Scalar } from './query.js';

/** Leaves and operators in one condition; keeps the SQL (and its parameter count) bounded. */
export const MAX_CONDITION_NODES = 256;

/**
 * The query checked and with its defaults, or KernelError `invalid_input`: deeper than
 * MAX_CONDITION_DEPTH levels of and/or/not, more than MAX_CONDITION_NODES nodes, an unknown
 * field, or an ordering comparison with a boolean or null. Shape is checked before the schema
 * runs, so that a hostile, deeply nested object cannot exhaust the stack in the parser.
 */
export function checkContextQuery(query: ContextQuery): ContextQuery {
  if (typeof query !== 'object' || query === null) throw new KernelError('invalid_input', 'a context query must be an object');
  if (query.where !== undefined) checkShape(query.where);
  const parsed = contextQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KernelError('invalid_input', `invalid context query: ${issue ? `${issue.path.join('.') || 'query'}: ${issue.message}` : 'malformed'}`);
  }
  return parsed.data;
}

function checkShape(root: Condition): void {
  let nodes = 0;
  const visit = (condition: Condition, depth: number): void => {
    nodes += 1;
    if (nodes > MAX_CONDITION_NODES) throw new KernelError('invalid_input', `a query condition may have at most ${MAX_CONDITION_NODES} parts`);
    if (typeof condition !== 'object' || condition === null) throw new KernelError('invalid_input', 'a query condition must be an object');
    if (condition.op === 'and' || condition.op === 'or' || condition.op === 'not') {
      if (depth >= MAX_CONDITION_DEPTH) throw new KernelError('invalid_input', `query conditions may nest at most ${MAX_CONDITION_DEPTH} levels of and/or/not`);
      const children = condition.op === 'not' ? [condition.condition] : Array.isArray(condition.conditions) ? condition.conditions : [];
      for (const child of children) visit(child, depth + 1);
      return;
    }
    if (['lt', 'le', 'gt', 'ge'].includes(condition.op)) {
      const value = (condition as { value?: unknown }).value;
      if (typeof value !== 'number' && typeof value !== 'string') throw new KernelError('invalid_input', `${condition.op} compares numbers or strings, not ${value === null ? 'null' : typeof value}`);
    }
  };
  visit(root, 0);
}

/** The segments after `metadata.` ("metadata.a.b" -> ["a", "b"]), or undefined for a built-in field. */
export function metadataKeys(field: string): string[] | undefined {
  return field.startsWith('metadata.') ? field.slice('metadata.'.length).split('.') : undefined;
}

/** The JSON path SQLite's json functions take for a metadata field ("metadata.a.b" -> "$.a.b"); keys are identifiers, so nothing needs quoting. */
export function jsonPathOf(field: string): string {
  const keys = metadataKeys(field);
  if (!keys) throw new KernelError('internal', `${field} is not a metadata field`);
  return `$.${keys.join('.')}`;
}

/** A field of an entry; undefined when missing. */
export function fieldValue(entry: ContextSummary, field: string): unknown {
  const keys = metadataKeys(field);
  if (!keys) return field === 'name' ? nameOf(entry.path) : entry[field as keyof ContextSummary];
  let value: unknown = entry.metadata;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

type JsonType = 'missing' | 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'boolean' || type === 'number' || type === 'string' ? type : 'object';
}

function same(value: unknown, target: Scalar): boolean {
  return jsonType(value) === jsonType(target) && value === target;
}

function ordered(value: unknown, target: Scalar, accept: (order: number) => boolean): boolean {
  if (typeof target === 'number' && typeof value === 'number') return accept(value - target);
  if (typeof target === 'string' && typeof value === 'string') return accept(compareCodePoints(value, target));
  return false;
}

/** Does `entry` satisfy `condition`? (See the module comment for the semantics.) */
export function matches(entry: ContextSummary, condition: Condition): boolean {
  switch (condition.op) {
    case 'and':
      return condition.conditions.every((child) => matches(entry, child));
    case 'or':
      return condition.conditions.some((child) => matches(entry, child));
    case 'not':
      return !matches(entry, condition.condition);
    default:
      break;
  }
  const value = fieldValue(entry, condition.field);
  switch (condition.op) {
    case 'eq':
      return same(value, condition.value);
    case 'ne':
      return jsonType(value) === jsonType(condition.value) && value !== condition.value;
    case 'lt':
      return ordered(value, condition.value, (order) => order < 0);
    case 'le':
      return ordered(value, condition.value, (order) => order <= 0);
    case 'gt':
      return ordered(value, condition.value, (order) => order > 0);
    case 'ge':
      return ordered(value, condition.value, (order) => order >= 0);
    case 'in':
      return condition.values.some((target) => same(value, target));
    case 'contains':
      if (typeof value === 'string') return value.includes(condition.value);
      return Array.isArray(value) && value.some((element) => element === condition.value);
    case 'startsWith':
      return typeof value === 'string' && value.startsWith(condition.value);
    case 'exists':
      return value !== undefined;
  }
}

const TYPE_RANK: Record<JsonType, number> = { missing: 0, null: 1, boolean: 2, number: 4, string: 5, array: 6, object: 6 };

/** Type rank for ordering: false and true get ranks of their own (2 and 3). */
export function orderRank(value: unknown): number {
  return value === true ? 3 : TYPE_RANK[jsonType(value)];
}

function compareValues(a: unknown, b: unknown): number {
  const rank = orderRank(a) - orderRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'object' && a !== null) return compareCodePoints(JSON.stringify(a), JSON.stringify(b));
  return 0;
}

/** The comparator for `orderBy`, with the path tiebreak. */
export function entryComparator(orderBy: ContextQuery['orderBy']): (a: ContextSummary, b: ContextSummary) => number {
  return (a, b) => {
    for (const { field, direction } of orderBy) {
      const order = compareValues(fieldValue(a, field), fieldValue(b, field));
      if (order !== 0) return direction === 'desc' ? -order : order;
    }
    return compareCodePoints(a.path, b.path);
  };
}
