/**
 * Compiles the context hub's query AST (src/kernel/context/query.ts) to Cosmos DB SQL.
 *
 * Every value is a `@p<n>` parameter. Metadata property *names* are parameters too in WHERE
 * (`c.metadata[@p0][@p1]`): the protocol server accepts a parameter as a bracketed property name
 * (the tests prove it), and real Cosmos is reported to (public issue threads; a live account is
 * needed to prove it). ORDER BY is the exception: it must name a document path the
 * service can map to an index when it plans the query, which a parameter cannot promise, so
 * there the accessor is written as `c.metadata["a"]["b"]`. That is the only text built from
 * input, and only from names that matched FIELD_PATH (`[A-Za-z_][A-Za-z0-9_]*`, nothing a JSON
 * string literal would have to escape); compileSortField re-checks before any text is built.
 *
 * Semantics are those of src/kernel/context/match.ts (the memory store runs it; the contract
 * suite holds every store to it): two-valued logic, a value matches only values of its own JSON
 * type, a missing field matches nothing but `not(...)`. Cosmos's own operators give `undefined`
 * (neither true nor false) for a missing field or a type mismatch, which `NOT` keeps undefined,
 * so `NOT (f = @p)` would drop documents it must return. So `not` is pushed down to the leaves
 * (De Morgan), and each leaf, and each negated leaf, is written as an OR of ANDs that is always
 * true or false: `IS_STRING(f) AND f = @p`, and its complement `NOT IS_STRING(f) OR f != @p`.
 * A nested metadata field also requires every object on its way to be an object (the protocol
 * server would otherwise read `length` of an array).
 *
 * The shape is flat on purpose: the protocol server's query parser takes time exponential in the
 * nesting of parentheses and function calls (about 6x per level; 8 nested NOTs never finish).
 * With `not` pushed down and AND binding tighter than OR, parentheses are only needed for an OR
 * inside an AND, so the nesting is the number of and/or alternations, not the AST's depth.
 *
 * The protocol server reads properties the JavaScript way, so names of Object.prototype members
 * (`constructor`, `__proto__`, ...) look present there; real Cosmos has no such names.
 *
 * One difference this compiler cannot remove: strings compare by Unicode code point in the other
 * stores, and Cosmos compares strings its own way (not documented as code point order). The
 * protocol server compares UTF-16 units, which agrees except where supplementary characters meet
 * U+E000-U+FFFF; real Cosmos's order can only be checked against a live account.
 */
import type { SqlParameter } from '@azure/cosmos';
import { KernelError } from '../../kernel/index.js';
import { type Condition, FIELD_PATH, MAX_CONDITION_DEPTH, type Scalar } from '../../kernel/context/index.js';

/** Parameters per query; a query needing more is refused (the AST's own bounds allow far more). */
export const MAX_QUERY_PARAMETERS = 2000;

const BUILT_IN: Readonly<Record<string, string>> = {
  path: 'c.path',
  name: 'c.name',
  kind: 'c.kind',
  contentType: 'c.contentType',
  size: 'c.size',
  version: 'c.version',
  createdAt: 'c.createdAt',
  updatedAt: 'c.updatedAt',
};

const COMPARATORS = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

/** Collects `@p<n>` parameters while a query is compiled. */
export class ParameterList {
  readonly parameters: SqlParameter[] = [];

  add(value: SqlParameter['value']): string {
    if (this.parameters.length >= MAX_QUERY_PARAMETERS) {
      throw new KernelError('invalid_input', `the query is too large for Cosmos DB: it needs more than ${MAX_QUERY_PARAMETERS} parameters`);
    }
    const name = `@p${this.parameters.length}`;
    this.parameters.push({ name, value });
    return name;
  }

  /** A copy to add to, for a variant of a query sharing this one's fragments. */
  fork(): ParameterList {
    const copy = new ParameterList();
    copy.parameters.push(...this.parameters);
    return copy;
  }
}

/** `field` as a Cosmos accessor for ORDER BY: a literal document path (see the module comment). */
export function compileSortField(field: string): string {
  const names = metadataNames(field);
  if (names === undefined) return builtIn(field);
  // Safe to quote as is: FIELD_PATH admits only [A-Za-z0-9_] in names.
  return `c.metadata${names.map((name) => `["${name}"]`).join('')}`;
}

type Shape = 'atom' | 'and' | 'or';
/** A compiled boolean expression and its top-level operator (to know when it needs parentheses). */
interface Sql {
  text: string;
  shape: Shape;
}

const TRUE: Sql = { text: 'true', shape: 'atom' };
const FALSE: Sql = { text: 'false', shape: 'atom' };

/** `sql` as an operand of AND. */
export function asTerm(sql: Sql): string {
  return sql.shape === 'or' ? `(${sql.text})` : sql.text;
}

function allOf(parts: readonly Sql[]): Sql {
  if (parts.some((part) => part === FALSE)) return FALSE;
  const kept = parts.filter((part) => part !== TRUE);
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0] as Sql;
  return { text: kept.map(asTerm).join(' AND '), shape: 'and' };
}

function anyOf(parts: readonly Sql[]): Sql {
  if (parts.some((part) => part === TRUE)) return TRUE;
  const kept = parts.filter((part) => part !== FALSE);
  if (kept.length === 0) return FALSE;
  if (kept.length === 1) return kept[0] as Sql;
  return { text: kept.map((part) => part.text).join(' OR '), shape: 'or' };
}

const atom = (text: string): Sql => ({ text, shape: 'atom' });

/** An OR of ANDs of atoms: how every leaf and negated leaf is written. */
type Dnf = string[][];

/** A field's accessor, and the atoms that must hold for it to be read at all (objects on its way). */
interface Accessor {
  value: string;
  path: string[];
}

function accessor(field: string, parameters: ParameterList): Accessor {
  const names = metadataNames(field);
  if (names === undefined) return { value: builtIn(field), path: [] };
  const steps = names.map((name) => `[${parameters.add(name)}]`);
  // c.metadata is always an object; every deeper step must be one too.
  const path = steps.slice(0, -1).map((_, index) => `IS_OBJECT(c.metadata${steps.slice(0, index + 1).join('')})`);
  return { value: `c.metadata${steps.join('')}`, path };
}

/** `dnf` about the field at `at`, with the path check: AND-ed in, or (negated) OR-ed in. */
function leaf(at: Accessor, dnf: Dnf, negated: boolean): Sql {
  const disjuncts = negated ? [...at.path.map((check) => [`NOT ${check}`]), ...dnf] : dnf.map((conjunct) => [...at.path, ...conjunct]);
  return anyOf(disjuncts.map((conjunct) => allOf(conjunct.map(atom))));
}

/** A WHERE condition, always true or false, as an operand of AND (see the module comment). */
export function compileCondition(condition: Condition, parameters: ParameterList): string {
  return asTerm(compile(condition, parameters, false, 0));
}

function compile(condition: Condition, parameters: ParameterList, negated: boolean, depth: number): Sql {
  switch (condition.op) {
    case 'and':
    case 'or': {
      if (depth >= MAX_CONDITION_DEPTH) throw tooDeep();
      if (condition.conditions.length === 0) throw new KernelError('invalid_input', `an "${condition.op}" needs at least one condition`);
      const parts = condition.conditions.map((inner) => compile(inner, parameters, negated, depth + 1));
      // De Morgan: not(a and b) = not a or not b.
      return (condition.op === 'and') !== negated ? allOf(parts) : anyOf(parts);
    }
    case 'not':
      if (depth >= MAX_CONDITION_DEPTH) throw tooDeep();
      return compile(condition.condition, parameters, !negated, depth + 1);
    default:
      return compileLeaf(condition, parameters, negated);
  }
}

function compileLeaf(condition: Exclude<Condition, { op: 'and' | 'or' | 'not' }>, parameters: ParameterList, negated: boolean): Sql {
  const at = accessor(condition.field, parameters);
  const f = at.value;
  switch (condition.op) {
    case 'exists':
      return leaf(at, [[negated ? `NOT IS_DEFINED(${f})` : `IS_DEFINED(${f})`]], negated);
    case 'startsWith': {
      const value = parameters.add(condition.value);
      return leaf(at, negated ? [[`NOT IS_STRING(${f})`], [`NOT STARTSWITH(${f}, ${value})`]] : [[`IS_STRING(${f})`, `STARTSWITH(${f}, ${value})`]], negated);
    }
    case 'contains': {
      // A string containing the text, or an array with an element equal to it (match.ts).
      const value = parameters.add(condition.value);
      const dnf = negated
        ? [[`NOT IS_STRING(${f})`, `NOT IS_ARRAY(${f})`], [`IS_STRING(${f})`, `NOT CONTAINS(${f}, ${value})`], [`IS_ARRAY(${f})`, `NOT ARRAY_CONTAINS(${f}, ${value})`]]
        : [[`IS_STRING(${f})`, `CONTAINS(${f}, ${value})`], [`IS_ARRAY(${f})`, `ARRAY_CONTAINS(${f}, ${value})`]];
      return leaf(at, dnf, negated);
    }
    case 'in': {
      if (condition.values.length === 0) throw new KernelError('invalid_input', 'an "in" needs at least one value');
      // ARRAY_CONTAINS compares type and value, as match.ts does; IS_PRIMITIVE keeps a missing field out.
      const values = parameters.add(condition.values);
      return leaf(at, negated ? [[`NOT IS_PRIMITIVE(${f})`], [`NOT ARRAY_CONTAINS(${values}, ${f})`]] : [[`IS_PRIMITIVE(${f})`, `ARRAY_CONTAINS(${values}, ${f})`]], negated);
    }
    default:
      return leaf(at, comparison(condition.op, f, condition.value, parameters, negated), negated);
  }
}

const NEGATED: Readonly<Record<keyof typeof COMPARATORS, keyof typeof COMPARATORS>> = { eq: 'ne', ne: 'eq', lt: 'ge', le: 'gt', gt: 'le', ge: 'lt' };

function comparison(op: keyof typeof COMPARATORS, f: string, value: Scalar, parameters: ParameterList, negated: boolean): Dnf {
  if (op !== 'eq' && op !== 'ne' && typeof value !== 'number' && typeof value !== 'string') {
    throw new KernelError('invalid_input', `${op} compares numbers or strings, not ${value === null ? 'null' : typeof value}`);
  }
  if (value === null) {
    // null equals only null; "ne null" means "present, null, and different": never.
    if (op === 'eq') return [[negated ? `NOT IS_NULL(${f})` : `IS_NULL(${f})`]];
    return negated ? [['true']] : [];
  }
  const guard = typeGuard(value);
  const p = parameters.add(value);
  // Within one type the order is total, so "not <" is ">=", and so on.
  return negated ? [[`NOT ${guard}(${f})`], [`${f} ${COMPARATORS[NEGATED[op]]} ${p}`]] : [[`${guard}(${f})`, `${f} ${COMPARATORS[op]} ${p}`]];
}

/** `field` holds exactly `value` (a number or string), for a tie on an ORDER BY key; an operand of AND. */
export function compileEquals(field: string, value: string | number, parameters: ParameterList): string {
  return compileCondition({ op: 'eq', field, value }, parameters);
}

/** The type classes ORDER BY walks (cosmos-context-ordering.ts). */
export type TypeClass = 'missing' | 'null' | 'false' | 'true' | 'number' | 'string' | 'complex';

/** `field` holds a value of `type` (missing: no value), as an operand of AND. */
export function compileTypeClass(field: string, type: TypeClass, parameters: ParameterList): string {
  const at = accessor(field, parameters);
  const f = at.value;
  if (type === 'missing') return asTerm(leaf(at, [[`NOT IS_DEFINED(${f})`]], true));
  const dnf: Dnf = {
    null: [[`IS_NULL(${f})`]],
    false: [[`IS_BOOL(${f})`, `${f} = false`]],
    true: [[`IS_BOOL(${f})`, `${f} = true`]],
    number: [[`IS_NUMBER(${f})`]],
    string: [[`IS_STRING(${f})`]],
    complex: [[`IS_ARRAY(${f})`], [`IS_OBJECT(${f})`]],
  }[type];
  return asTerm(leaf(at, dnf, false));
}

function tooDeep(): KernelError {
  return new KernelError('invalid_input', `query conditions may nest at most ${MAX_CONDITION_DEPTH} levels of and/or/not`);
}

function typeGuard(value: string | number | boolean): 'IS_STRING' | 'IS_NUMBER' | 'IS_BOOL' {
  if (typeof value === 'string') return 'IS_STRING';
  return typeof value === 'number' ? 'IS_NUMBER' : 'IS_BOOL';
}

/** The metadata names of `metadata.a.b`, undefined for a built-in field; anything else is refused. */
function metadataNames(field: string): string[] | undefined {
  if (!FIELD_PATH.test(field)) throw new KernelError('invalid_input', `unknown query field "${field.slice(0, 80)}"`);
  if (!field.startsWith('metadata.')) return undefined;
  return field.slice('metadata.'.length).split('.');
}

function builtIn(field: string): string {
  const accessor = BUILT_IN[field];
  if (accessor === undefined) throw new KernelError('invalid_input', `unknown query field "${field.slice(0, 80)}"`);
  return accessor;
}
