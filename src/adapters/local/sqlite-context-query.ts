/**
 * Compiles a ContextQuery (src/kernel/context/query.ts) to one parameterized SQLite statement
 * over `context_entries e`, with exactly the semantics of src/kernel/context/match.ts (the
 * contract suite runs both). The SQL text is assembled only from the fixed fragments in this
 * file, through the `sql` template tag: anything interpolated is either another fragment or a
 * parameter (`param(value)`), so no value, field name or JSON path ever becomes SQL text. Field
 * names have passed FIELD_PATH, built-in fields map to fixed columns, and a metadata field's
 * JSON path (`$.a.b`) is a parameter of json_type / json_extract.
 *
 * The same query shape always yields the same SQL text, so the store can cache its statements.
 */
import { type Condition, type ContextQuery, jsonPathOf, metadataKeys, ROOT, type Scalar } from '../../kernel/context/index.js';
import { prefixUpperBound } from '../state-items.js';
import { SUBTREE_PATHS, subtreePaths } from './sqlite-context-statements.js';

export interface Fragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

class Param {
  constructor(readonly value: unknown) {}
}

export function param(value: unknown): Param {
  return new Param(value);
}

/** Joins fixed SQL text with fragments and parameters, in order. */
export function sql(strings: TemplateStringsArray, ...parts: Array<Fragment | Param>): Fragment {
  let text = strings[0] ?? '';
  const params: unknown[] = [];
  parts.forEach((part, index) => {
    if (part instanceof Param) {
      text += '?';
      params.push(part.value);
    } else {
      text += part.sql;
      params.push(...part.params);
    }
    text += strings[index + 1] ?? '';
  });
  return { sql: text, params };
}

function join(fragments: readonly Fragment[], separator: ' AND ' | ' OR ' | ', '): Fragment {
  return { sql: fragments.map((fragment) => fragment.sql).join(separator), params: fragments.flatMap((fragment) => fragment.params) };
}

const FALSE = sql`0`;
const TRUE = sql`1`;

/** The built-in fields: fixed columns of known type. */
const COLUMNS: Record<string, { column: Fragment; type: 'string' | 'number' }> = {
  path: { column: sql`e.path`, type: 'string' },
  name: { column: sql`e.name`, type: 'string' },
  kind: { column: sql`e.kind`, type: 'string' },
  contentType: { column: sql`e.content_type`, type: 'string' },
  size: { column: sql`e.size`, type: 'number' },
  version: { column: sql`e.version`, type: 'number' },
  createdAt: { column: sql`e.created_at`, type: 'string' },
  updatedAt: { column: sql`e.updated_at`, type: 'string' },
};

const COMPARE = { eq: sql`=`, ne: sql`<>`, lt: sql`<`, le: sql`<=`, gt: sql`>`, ge: sql`>=` } as const;
type CompareOp = keyof typeof COMPARE;

function builtIn(field: string): { column: Fragment; type: 'string' | 'number' } {
  const found = COLUMNS[field];
  if (!found) throw new Error(`unknown field ${field}`); // unreachable: FIELD_PATH admits only these and metadata.*
  return found;
}

/** `condition` as a boolean SQL expression over `e`. */
export function compileCondition(condition: Condition): Fragment {
  switch (condition.op) {
    case 'and':
    case 'or':
      return sql`(${join(condition.conditions.map(compileCondition), condition.op === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return sql`NOT (${compileCondition(condition.condition)})`;
    default:
      return metadataKeys(condition.field) ? metadataLeaf(condition, jsonPathOf(condition.field)) : builtInLeaf(condition);
  }
}

type Leaf = Exclude<Condition, { op: 'and' | 'or' | 'not' }>;

function builtInLeaf(condition: Leaf): Fragment {
  const { column, type } = builtIn(condition.field);
  switch (condition.op) {
    case 'in': {
      const values = condition.values.filter((value) => typeof value === type);
      return values.length === 0 ? FALSE : sql`${column} IN (${join(values.map((value) => sql`${param(value)}`), ', ')})`;
    }
    case 'contains':
      return type === 'string' ? sql`instr(${column}, ${param(condition.value)}) > 0` : FALSE;
    case 'startsWith':
      return type === 'string' ? startsWith(column, condition.value) : FALSE;
    case 'exists':
      return TRUE;
    default:
      return typeof condition.value === type ? sql`${column} ${COMPARE[condition.op]} ${param(condition.value)}` : FALSE;
  }
}

/**
 * Every leaf is 0 or 1, never NULL: SQL's three-valued logic would make `NOT` of a comparison
 * with a missing field unknown (no match) where the semantics say true. Hence the type of a
 * missing field is '' rather than NULL, and values are compared only once their type is known.
 */
function metadataLeaf(condition: Leaf, path: string): Fragment {
  const type = sql`ifnull(json_type(e.metadata, ${param(path)}), '')`;
  const value = sql`json_extract(e.metadata, ${param(path)})`;
  switch (condition.op) {
    case 'in':
      return sql`(${join(condition.values.map((each) => typed(type, value, 'eq', each)), ' OR ')})`;
    case 'contains':
      return sql`(CASE ${type} WHEN 'text' THEN instr(${value}, ${param(condition.value)}) > 0 WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(e.metadata, ${param(path)}) j WHERE j.type = 'text' AND j.value = ${param(condition.value)}) ELSE 0 END)`;
    case 'startsWith':
      return sql`(${type} = 'text' AND ${startsWith(value, condition.value)})`;
    case 'exists':
      return sql`${type} <> ''`;
    default:
      return typed(type, value, condition.op, condition.value);
  }
}

/**
 * "Starts with" as a range in BINARY (code point) order, which an index can use; and unlike
 * substr()/length(), which stop at the first NUL character, it compares whole strings.
 */
function startsWith(text: Fragment, prefix: string): Fragment {
  const upper = prefixUpperBound(prefix);
  return upper === undefined ? sql`${text} >= ${param(prefix)}` : sql`(${text} >= ${param(prefix)} AND ${text} < ${param(upper)})`;
}

/** A comparison that holds only for a stored value of the scalar's JSON type. */
function typed(type: Fragment, value: Fragment, op: CompareOp, scalar: Scalar): Fragment {
  if (scalar === null) return op === 'eq' ? sql`${type} = 'null'` : FALSE;
  if (typeof scalar === 'boolean') {
    // Booleans are equal or not; checkContextQuery refuses ordering comparisons on them.
    const wanted = op === 'eq' ? scalar : !scalar;
    return wanted ? sql`${type} = 'true'` : sql`${type} = 'false'`;
  }
  const ofType = typeof scalar === 'number' ? sql`${type} IN ('integer', 'real')` : sql`${type} = 'text'`;
  return sql`(${ofType} AND ${value} ${COMPARE[op]} ${param(scalar)})`;
}

/** ORDER BY terms: each field (metadata by type rank, then value), then the path. */
export function compileOrder(orderBy: ContextQuery['orderBy']): Fragment {
  const terms = orderBy.flatMap(({ field, direction }) => {
    const dir = direction === 'desc' ? sql`DESC` : sql`ASC`;
    if (!metadataKeys(field)) return [sql`${builtIn(field).column} ${dir}`];
    const path = jsonPathOf(field);
    return [
      sql`CASE json_type(e.metadata, ${param(path)}) WHEN 'null' THEN 1 WHEN 'false' THEN 2 WHEN 'true' THEN 3 WHEN 'integer' THEN 4 WHEN 'real' THEN 4 WHEN 'text' THEN 5 WHEN 'array' THEN 6 WHEN 'object' THEN 6 ELSE 0 END ${dir}`,
      sql`json_extract(e.metadata, ${param(path)}) ${dir}`,
    ];
  });
  return join([...terms, sql`e.path ASC`], ', ');
}

/** Entries at or below `prefix` (everything for the root), as one index range (see SUBTREE_PATHS). */
export function compilePrefix(prefix: string): Fragment {
  if (prefix === ROOT) return TRUE;
  return { sql: SUBTREE_PATHS, params: subtreePaths(prefix) };
}

/** The whole query for one user; `columns` is a fixed list chosen by the store. */
export function compileQuery(columns: Fragment, userId: string, query: ContextQuery): Fragment {
  const kinds = join(query.kinds.map((kind) => sql`${param(kind)}`), ', ');
  const where = query.where === undefined ? TRUE : compileCondition(query.where);
  return sql`SELECT ${columns} FROM context_entries e WHERE e.user_id = ${param(userId)} AND ${compilePrefix(query.prefix)} AND e.kind IN (${kinds}) AND ${where} ORDER BY ${compileOrder(query.orderBy)} LIMIT ${param(query.limit)}`;
}
