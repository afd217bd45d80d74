/**
 * The context hub's text query language: `where` text -> Condition (query.ts). The grammar,
 * field names and type rules are documented in docs/context-queries.md; in short:
 *
 *   query      = or-expr
 *   or-expr    = and-expr { "or" and-expr }
 *   and-expr   = unary { "and" unary }
 *   unary      = "not" unary | primary
 *   primary    = "(" or-expr ")" | "exists" field | field comparison
 *   comparison = ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) value
 *              | "in" "(" value { "," value } ")" | ( "contains" | "startsWith" ) string
 *
 * A recursive-descent parser over an on-demand lexer: linear time, recursion bounded by
 * MAX_NESTING before each descent, and every failure a KernelError `invalid_input` that names
 * the column and what was expected. The language is a typed front end: it refuses comparisons
 * that can never match (`size = "10"`, `kind = "doc"`, `priority < true`), which the AST would
 * accept, so a user learns of the mistake instead of getting an empty answer.
 */
import { MAX_CONDITION_NODES } from './match.js';
import { conditionSchema, MAX_CONDITION_DEPTH, type Condition, type Scalar } from './query.js';
import { describePosition, parameterError, type QuerySource } from './query-errors.js';
import { BUILT_IN_TYPES, ENTRY_KINDS, isBuiltInField, resolveFieldName } from './query-fields.js';
import { Lexer, type Punct, type Token } from './query-lexer.js';

/** Longest `where` text accepted (UTF-16 code units). */
export const MAX_QUERY_TEXT_LENGTH = 4096;
/** Most conditions in one chain of `and` (or of `or`), as conditionSchema allows. */
export const MAX_CONDITION_TERMS = 50;
/** Most values in one `in (...)` list, as conditionSchema allows. */
export const MAX_IN_VALUES = 100;
/**
 * Parentheses and `not`s open at once. Bounds the parser's recursion before it descends;
 * generous next to MAX_CONDITION_DEPTH so that redundant parentheses are not what fails.
 */
const MAX_NESTING = 2 * MAX_CONDITION_DEPTH;

const COMPARISONS: Readonly<Partial<Record<Punct, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'>>> = {
  '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};
const OPERATORS_HINT = '=, !=, <, <=, >, >=, in, contains or startsWith';

/** A condition and its nesting of and/or/not (a comparison is 0). */
interface Parsed {
  condition: Condition;
  depth: number;
}

/**
 * Parse the `where` part of a context query. Throws KernelError `invalid_input` (and nothing
 * else) for text that is not a query; the result always passes conditionSchema and has at
 * most MAX_CONDITION_DEPTH levels of and/or/not.
 */
export function parseContextQuery(text: string): Condition {
  if (typeof text !== 'string') throw parameterError('where', 'must be a string');
  if (text.length > MAX_QUERY_TEXT_LENGTH) {
    throw parameterError('where', `the query is ${text.length} characters long; at most ${MAX_QUERY_TEXT_LENGTH} are allowed`);
  }
  const condition = new Parser({ field: 'where', text }).parse();
  const checked = conditionSchema.safeParse(condition);
  // Unreachable if the checks above mirror the schema; kept so a drift can never leak an invalid AST.
  if (!checked.success) throw parameterError('where', `the query does not form a valid condition (${checked.error.issues[0]?.message ?? 'invalid'})`);
  return checked.data;
}

class Parser {
  private readonly lexer: Lexer;
  private nesting = 0;
  /** Comparisons and operators so far, bounded by MAX_CONDITION_NODES as the stores bound them. */
  private nodes = 0;

  constructor(source: QuerySource) {
    this.lexer = new Lexer(source);
  }

  parse(): Condition {
    const { condition } = this.orExpr();
    const token = this.lexer.peek();
    if (token.kind === 'end') return condition;
    if (token.kind === 'punct' && token.text === ')') this.lexer.fail(token.start, 'unmatched ")"');
    return this.lexer.fail(token.start, `expected and, or or the end of the query, found ${this.lexer.describe(token)}`);
  }

  private orExpr(): Parsed {
    return this.chain('or', () => this.andExpr());
  }

  private andExpr(): Parsed {
    return this.chain('and', () => this.unary());
  }

  /** `term { op term }`, flattened into one node; parentheses make nested nodes. */
  private chain(op: 'and' | 'or', term: () => Parsed): Parsed {
    const first = term();
    const terms = [first];
    let operator: Token | undefined;
    for (let token = this.lexer.peek(); token.kind === 'keyword' && token.word === op; token = this.lexer.peek()) {
      this.lexer.next();
      operator ??= token;
      if (terms.length === MAX_CONDITION_TERMS) {
        this.lexer.fail(token.start, `at most ${MAX_CONDITION_TERMS} conditions can be joined by ${op}; group some in parentheses`);
      }
      terms.push(term());
    }
    if (operator === undefined) return first;
    return this.node({ op, conditions: terms.map((parsed) => parsed.condition) }, Math.max(...terms.map((parsed) => parsed.depth)), operator);
  }

  private unary(): Parsed {
    const token = this.lexer.peek();
    if (token.kind !== 'keyword' || token.word !== 'not') return this.primary();
    this.lexer.next();
    const inner = this.nested(token, () => this.unary());
    return this.node({ op: 'not', condition: inner.condition }, inner.depth, token);
  }

  private primary(): Parsed {
    const token = this.lexer.next();
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.nested(token, () => this.orExpr());
      const close = this.lexer.next();
      if (close.kind !== 'punct' || close.text !== ')') {
        this.lexer.fail(close.start, `expected ")" to close the "(" of ${this.column(token)}, found ${this.lexer.describe(close)}`);
      }
      return inner;
    }
    if (token.kind === 'keyword' && token.word === 'exists') {
      this.count(token);
      return { condition: { op: 'exists', field: this.field(this.lexer.next(), 'after exists') }, depth: 0 };
    }
    if (token.kind === 'name') {
      this.count(token);
      return { condition: this.predicate(token), depth: 0 };
    }
    const hint = token.kind === 'keyword' ? `; a metadata field with that name is written metadata.${token.word}` : '';
    return this.lexer.fail(token.start, `expected a condition (a field name, not, exists or "("), found ${this.lexer.describe(token)}${hint}`);
  }

  /** `field op value`, `field in (…)`, `field contains "…"`, `field startsWith "…"`. */
  private predicate(name: Token & { kind: 'name' }): Condition {
    const field = this.field(name, '');
    const operator = this.lexer.next();
    if (operator.kind === 'punct') {
      const op = COMPARISONS[operator.text];
      if (op !== undefined) {
        const valueToken = this.lexer.next();
        const value = this.value(valueToken, `after "${operator.text}"`);
        if (op !== 'eq' && op !== 'ne' && (typeof value === 'boolean' || value === null)) {
          this.lexer.fail(valueToken.start, `"${operator.text}" compares numbers or strings, not ${String(value)}`);
        }
        this.checkType(field, valueToken, value);
        return { op, field, value };
      }
    }
    if (operator.kind === 'keyword' && operator.word === 'in') return { op: 'in', field, values: this.list(field) };
    if (operator.kind === 'keyword' && (operator.word === 'contains' || operator.word === 'startsWith')) {
      if (isBuiltInField(field) && BUILT_IN_TYPES[field] === 'number') {
        this.lexer.fail(operator.start, `${field} is a number: ${operator.word} applies to text`);
      }
      const valueToken = this.lexer.next();
      if (valueToken.kind !== 'string') {
        this.lexer.fail(valueToken.start, `expected a string after ${operator.word}, found ${this.lexer.describe(valueToken)}`);
      }
      return { op: operator.word, field, value: valueToken.value };
    }
    const hint = operator.kind === 'keyword' && operator.word === 'not' ? `; to negate, put not before the condition: not ${name.text} …` : '';
    return this.lexer.fail(operator.start, `expected an operator (${OPERATORS_HINT}) after ${name.text}, found ${this.lexer.describe(operator)}${hint}`);
  }

  /** `( value { , value } )` after `in`. */
  private list(field: string): Scalar[] {
    const open = this.lexer.next();
    if (open.kind !== 'punct' || open.text !== '(') this.lexer.fail(open.start, `expected "(" after in, found ${this.lexer.describe(open)}`);
    const values: Scalar[] = [];
    for (;;) {
      const token = this.lexer.next();
      if (values.length === MAX_IN_VALUES) this.lexer.fail(token.start, `at most ${MAX_IN_VALUES} values are allowed in one in (…) list`);
      const value = this.value(token, values.length === 0 ? 'after "in ("' : 'after ","');
      this.checkType(field, token, value);
      values.push(value);
      const separator = this.lexer.next();
      if (separator.kind === 'punct' && separator.text === ')') return values;
      if (separator.kind !== 'punct' || separator.text !== ',') {
        this.lexer.fail(separator.start, `expected "," or ")" in the in (…) list, found ${this.lexer.describe(separator)}`);
      }
    }
  }

  private field(token: Token, context: string): string {
    if (token.kind !== 'name') {
      const hint = token.kind === 'keyword' ? `; a metadata field with that name is written metadata.${token.word}` : '';
      return this.lexer.fail(token.start, `expected a field name${context === '' ? '' : ` ${context}`}, found ${this.lexer.describe(token)}${hint}`);
    }
    const resolved = resolveFieldName(token.text);
    return 'field' in resolved ? resolved.field : this.lexer.fail(token.start, resolved.problem);
  }

  private value(token: Token, context: string): Scalar {
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'keyword' && (token.word === 'true' || token.word === 'false')) return token.word === 'true';
    if (token.kind === 'keyword' && token.word === 'null') return null;
    const hint = token.kind === 'name' ? '; strings are written in double quotes' : ' (a value is a "string", a number, true, false or null)';
    return this.lexer.fail(token.start, `expected a value ${context}, found ${this.lexer.describe(token)}${hint}`);
  }

  /** Built-ins hold one type; a value of another type could never match. */
  private checkType(field: string, token: Token, value: Scalar): void {
    if (!isBuiltInField(field)) return;
    const type = BUILT_IN_TYPES[field];
    if (typeof value !== type) {
      this.lexer.fail(token.start, `${field} is ${type === 'number' ? 'a number' : 'text'}: compare it with ${type === 'number' ? 'a number' : 'a "string"'}, not ${this.lexer.describe(token)}`);
    }
    if (field === 'kind' && !(ENTRY_KINDS as readonly Scalar[]).includes(value)) {
      this.lexer.fail(token.start, `kind is "document" or "folder", not ${this.lexer.describe(token)}`);
    }
  }

  /** Parse inside a "(" or a not, refusing to descend past MAX_NESTING. */
  private nested(opener: Token, parse: () => Parsed): Parsed {
    if (this.nesting === MAX_NESTING) this.lexer.fail(opener.start, `parentheses and not are nested more than ${MAX_NESTING} deep`);
    this.nesting += 1;
    const parsed = parse();
    this.nesting -= 1;
    return parsed;
  }

  private count(token: Token): void {
    this.nodes += 1;
    if (this.nodes > MAX_CONDITION_NODES) {
      this.lexer.fail(token.start, `the query has more than ${MAX_CONDITION_NODES} parts (comparisons, and, or, not)`);
    }
  }

  private node(condition: Condition, childDepth: number, operator: Token): Parsed {
    this.count(operator);
    const depth = childDepth + 1;
    if (depth > MAX_CONDITION_DEPTH) {
      this.lexer.fail(operator.start, `conditions are nested more than ${MAX_CONDITION_DEPTH} levels of and/or/not deep`);
    }
    return { condition, depth };
  }

  private column(token: Token): string {
    return describePosition(this.lexer.source.text, token.start);
  }
}
