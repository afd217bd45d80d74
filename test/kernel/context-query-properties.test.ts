import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { isKernelError } from '../../src/kernel/errors.js';
import {
  conditionDepth,
  conditionSchema,
  FIELD_PATH,
  formatCondition,
  MAX_CONDITION_DEPTH,
  MAX_QUERY_TEXT_LENGTH,
  parseContextQuery,
  type Condition,
  type Scalar,
} from '../../src/kernel/context/index.js';
import { checkContextQuery } from '../../src/kernel/context/match.js';

const RUNS = 500;

// ---- generated ASTs, in the form the parser produces (typed built-ins, and/or of 2+ parts) ----

const INJECTIONS = [
  `"; DROP TABLE documents; --`, `') OR 1=1 --`, `' OR '1'='1`, `x" OR 1=1 --`, 'Robert\'); DROP TABLE Students;--',
  '\\', '\\"', '"', "'", '`', '/* */', '%', '_', '\u0000', '\n', '\u2028', '\u00e9', '😀', '${x}', 'c.userId', '@p0', '?',
];
const text = fc.oneof({ arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 4 }, { arbitrary: fc.constantFrom(...INJECTIONS), weight: 1 });
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 0.5, 1e21, 5e-324, Number.MAX_VALUE));
const scalar: fc.Arbitrary<Scalar> = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** Metadata keys, including ones that only the explicit `metadata.` form can name. */
const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/),
  fc.constantFrom('in', 'and', 'NOT', 'null', 'startsWith', 'asc', 'path', 'Path', 'metadata', 'CreatedAt', 'SIZE', 'x'.repeat(64)),
);
const metadataField = fc.array(segment, { minLength: 1, maxLength: 8 }).map((segments) => `metadata.${segments.join('.')}`);
const stringField = fc.oneof(metadataField, fc.constantFrom('path', 'name', 'contentType', 'createdAt', 'updatedAt'));

/** Plain objects (fast-check may otherwise make null-prototype ones, which deepEqual tells apart). */
function record<T extends object>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  // Every key is required (no requiredKeys given); fc.record's type cannot show that for a generic T.
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
const ORDERING = ['lt', 'le', 'gt', 'ge'] as const;
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  record({ op: fc.constantFrom('eq', 'ne'), field: metadataField, value: scalar }),
  record({ op: fc.constantFrom(...ORDERING), field: metadataField, value: fc.oneof(text, number) }),
  record({ op: fc.constantFrom(...OPS), field: fc.constantFrom('path', 'name', 'contentType', 'createdAt', 'updatedAt'), value: text }),
  record({ op: fc.constantFrom(...OPS), field: fc.constantFrom('size', 'version'), value: number }),
  record({ op: fc.constantFrom('eq', 'ne'), field: fc.constant('kind'), value: fc.constantFrom('document', 'folder') }),
  record({ op: fc.constant('in' as const), field: metadataField, values: fc.array(scalar, { minLength: 1, maxLength: 5 }) }),
  record({ op: fc.constant('in' as const), field: fc.constantFrom('size', 'version'), values: fc.array(number, { minLength: 1, maxLength: 5 }) }),
  record({ op: fc.constantFrom('contains' as const, 'startsWith' as const), field: stringField, value: text }),
  record({ op: fc.constant('exists' as const), field: fc.oneof(metadataField, fc.constantFrom('path', 'size', 'kind')) }),
);

function tree(depth: number): fc.Arbitrary<Condition> {
  if (depth === 0) return leaf;
  const child = tree(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 3 },
    { arbitrary: record({ op: fc.constantFrom('and' as const, 'or' as const), conditions: fc.array(child, { minLength: 2, maxLength: 3 }) }), weight: 2 },
    { arbitrary: record({ op: fc.constant('not' as const), condition: child }), weight: 1 },
  );
}
const condition = tree(4);

/** Narrow but as deep as allowed: a spine of and/or/not with a leaf beside each level. */
const deepCondition = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom('and', 'or', 'not'), leaf), { minLength: 1, maxLength: MAX_CONDITION_DEPTH }), leaf)
  .map(([levels, bottom]) =>
    levels.reduce<Condition>((inner, [op, other]) => (op === 'not' ? { op: 'not', condition: inner } : { op: op, conditions: [other, inner] }), bottom),
  );

// ---- text, mostly made of the language's own pieces so that much of it gets deep into the parser ----

const PIECES = [
  'priority', 'size', 'kind', 'metadata.a', 'a.b', 'Path', 'metadata', '=', '!=', '<', '<=', '>', '>=', '==', '!', 'in', 'IN', 'contains',
  'startsWith', 'exists', 'and', 'or', 'not', 'NOT', '(', '(', ')', ')', ',', '"x"', '"', '"\\', '"\\u12"', '"\\uD800"', '"a\\"b"', '""',
  '1', '-0.5e3', '01', '1e999', '-', 'true', 'FALSE', 'null', '"document"', ';', "'", '--', '\n', '\t', '\u00a0', 'é', '😀', '\ud800', '.', '..',
];
const CLAUSES = ['a = 1', 'size > 2', 'name contains "x"', 'exists b', 'kind = "folder"', 'c in (1, "y", null)', 'and', 'or', 'not', '(', ')'];
const soup = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.constantFrom(...CLAUSES)), { maxLength: 30 }).chain((pieces) =>
  fc.array(fc.constantFrom(' ', ' ', ''), { minLength: pieces.length, maxLength: pieces.length }).map((gaps) => pieces.map((piece, i) => `${piece}${gaps[i]}`).join('')),
);
/** A valid query with one character deleted, replaced or inserted. */
const mutated = fc.tuple(condition.map(formatCondition), fc.nat(), fc.constantFrom('', '"', '(', ')', ' ', 'x', '=', '\\', ',', '1')).map(([query, at, char]) => {
  const index = at % (query.length + 1);
  return `${query.slice(0, index)}${char}${query.slice(index + (at % 2))}`;
});
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 }), soup, mutated);

/** A valid AST, and one the stores' own check accepts: what the language produces, every store compiles. */
function assertValid(parsed: Condition): void {
  assert.ok(conditionSchema.safeParse(parsed).success, JSON.stringify(parsed));
  assert.ok(conditionDepth(parsed) <= MAX_CONDITION_DEPTH);
  checkContextQuery({ prefix: '/', where: parsed, orderBy: [], limit: 100, kinds: ['document'] });
}

/** Invalid text fails with invalid_input naming `where` and, for syntax, a column inside the text. */
function assertInvalidInput(error: unknown, query: string): void {
  assert.ok(isKernelError(error, 'invalid_input'), `not invalid_input: ${String(error)}`);
  const [issue, ...rest] = error.details?.['errors'] as Array<{ field: string; reason: string }>;
  assert.deepEqual(rest, []);
  assert.equal(issue?.field, 'where');
  assert.equal(error.message, `invalid where: ${issue.reason}`);
  const position = /^at (?:line (\d+), )?column (\d+): ./.exec(issue.reason);
  if (position === null) {
    assert.ok(query.length > MAX_QUERY_TEXT_LENGTH, issue.reason);
    return;
  }
  const line = query.split('\n')[Number(position[1] ?? 1) - 1];
  assert.ok(line !== undefined && Number(position[2]) <= Array.from(line).length + 1, issue.reason);
}

describe('the query language, by property', () => {
  it('reads back every condition it prints (parse(format(ast)) deep-equals ast)', () => {
    fc.assert(
      fc.property(fc.oneof(condition, deepCondition), (ast) => {
        const query = formatCondition(ast);
        fc.pre(query.length <= MAX_QUERY_TEXT_LENGTH);
        const parsed = parseContextQuery(query);
        assert.deepEqual(parsed, ast, query);
        assertValid(parsed);
      }),
      { numRuns: RUNS },
    );
  });

  it('turns any text into a valid condition or invalid_input, never another error', () => {
    fc.assert(
      fc.property(anyText, (query) => {
        let parsed: Condition;
        try {
          parsed = parseContextQuery(query);
        } catch (error) {
          assertInvalidInput(error, query);
          return;
        }
        assertValid(parsed);
        assert.deepEqual(parseContextQuery(formatCondition(parsed)), parsed, 'what parses prints to text that parses the same');
      }),
      { numRuns: 2 * RUNS },
    );
  });

  it('survives pathological input of the maximal length with invalid_input', () => {
    const cases = [
      '('.repeat(4096), 'not '.repeat(1024), `${'a = 1 and '.repeat(409)}`, '"'.repeat(4096), `a = "${'\\'.repeat(4090)}"`,
      `a in (${'1,'.repeat(2044)}1)`, '\u00e9'.repeat(4096), `${'a.'.repeat(2045)}a = 1`, '-'.repeat(4096), `a = ${'9'.repeat(4092)}`,
    ];
    for (const query of cases) {
      assert.ok(query.length <= MAX_QUERY_TEXT_LENGTH, String(query.length));
      assert.throws(() => parseContextQuery(query), (error: unknown) => (assertInvalidInput(error, query), true), query.slice(0, 20));
    }
    assert.throws(() => parseContextQuery('('.repeat(1_000_000)), (error: unknown) => isKernelError(error, 'invalid_input'));
  });

  it('keeps any string value as a plain string value, quotes and SQL included', () => {
    fc.assert(
      fc.property(text, stringField, (value, field) => {
        const written = JSON.stringify(value);
        assert.deepEqual(parseContextQuery(`${formatCondition({ op: 'exists', field }).slice('exists '.length)} = ${written}`), { op: 'eq', field, value });
        assert.deepEqual(parseContextQuery(`name contains ${written} and path startsWith ${written}`), {
          op: 'and',
          conditions: [{ op: 'contains', field: 'name', value }, { op: 'startsWith', field: 'path', value }],
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('injection attempts', () => {
  it('are parse errors when they leave a string', () => {
    for (const query of [
      'priority = "x" ; DROP TABLE documents',
      "') OR 1=1 --",
      "priority = 'x' OR '1'='1'",
      'priority = "high" or 1=1',
      'priority = "a" UNION SELECT * FROM c',
      'priority = "x"/* comment */',
      'priority = @p0',
      'priority = ?',
      'IS_DEFINED(c.x)',
      'metadata.a\') = 1',
      'metadata["a"] = 1',
      'priority = "x" -- and more',
      'json_extract(metadata, "$.a") = 1',
    ]) {
      assert.throws(() => parseContextQuery(query), (error: unknown) => (assertInvalidInput(error, query), true), query);
    }
  });

  it('are plain values when they stay inside one, and fields never leave metadata', () => {
    const cases: Array<[string, Condition]> = [
      [String.raw`priority = "x\" OR 1=1 --"`, { op: 'eq', field: 'metadata.priority', value: 'x" OR 1=1 --' }],
      [`priority = "x' OR '1'='1"`, { op: 'eq', field: 'metadata.priority', value: "x' OR '1'='1" }],
      [`name = "Robert'); DROP TABLE Students;--"`, { op: 'eq', field: 'name', value: "Robert'); DROP TABLE Students;--" }],
      [String.raw`a = "\u0000\"; --"`, { op: 'eq', field: 'metadata.a', value: '\u0000"; --' }],
      ['c.userId = "other"', { op: 'eq', field: 'metadata.c.userId', value: 'other' }],
      ['userId = "other"', { op: 'eq', field: 'metadata.userId', value: 'other' }],
      ['_ts > 0', { op: 'gt', field: 'metadata._ts', value: 0 }],
    ];
    for (const [query, expected] of cases) {
      const parsed = parseContextQuery(query);
      assert.deepEqual(parsed, expected, query);
      assert.match((parsed as { field: string }).field, FIELD_PATH);
    }
  });
});
