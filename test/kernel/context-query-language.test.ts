import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { conditionDepth, conditionSchema, formatCondition, MAX_CONDITION_DEPTH, parseContextQuery, type Condition } from '../../src/kernel/context/index.js';

const parse = parseContextQuery;

const eq = (field: string, value: string | number | boolean | null): Condition => ({ op: 'eq', field, value });

describe('parseContextQuery: constructs', () => {
  it("parses the seed's example", () => {
    assert.deepEqual(parse('priority = "high" and progress > 0.5'), {
      op: 'and',
      conditions: [
        { op: 'eq', field: 'metadata.priority', value: 'high' },
        { op: 'gt', field: 'metadata.progress', value: 0.5 },
      ],
    });
  });

  it('maps each comparison operator', () => {
    const ops = { '=': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const;
    for (const [symbol, op] of Object.entries(ops)) {
      assert.deepEqual(parse(`size ${symbol} 10`), { op, field: 'size', value: 10 });
      assert.deepEqual(parse(`size${symbol}10`), { op, field: 'size', value: 10 }, 'no spaces needed');
    }
  });

  it('parses in, contains, startsWith and exists', () => {
    assert.deepEqual(parse('status in ("open", 2, true, null)'), { op: 'in', field: 'metadata.status', values: ['open', 2, true, null] });
    assert.deepEqual(parse('status in ("open")'), { op: 'in', field: 'metadata.status', values: ['open'] });
    assert.deepEqual(parse('tags contains "urgent"'), { op: 'contains', field: 'metadata.tags', value: 'urgent' });
    assert.deepEqual(parse('path startsWith "/Projects/"'), { op: 'startsWith', field: 'path', value: '/Projects/' });
    assert.deepEqual(parse('exists owner'), { op: 'exists', field: 'metadata.owner' });
    assert.deepEqual(parse('exists metadata.owner.email'), { op: 'exists', field: 'metadata.owner.email' });
  });

  it('gives not the highest precedence, then and, then or', () => {
    assert.deepEqual(parse('a = 1 or b = 2 and c = 3'), {
      op: 'or',
      conditions: [eq('metadata.a', 1), { op: 'and', conditions: [eq('metadata.b', 2), eq('metadata.c', 3)] }],
    });
    assert.deepEqual(parse('not a = 1 and b = 2'), { op: 'and', conditions: [{ op: 'not', condition: eq('metadata.a', 1) }, eq('metadata.b', 2)] });
    assert.deepEqual(parse('not not exists a'), { op: 'not', condition: { op: 'not', condition: { op: 'exists', field: 'metadata.a' } } });
  });

  it('flattens a chain into one node and keeps parenthesized groups nested', () => {
    assert.deepEqual(parse('a = 1 and b = 2 and c = 3'), { op: 'and', conditions: [eq('metadata.a', 1), eq('metadata.b', 2), eq('metadata.c', 3)] });
    assert.deepEqual(parse('a = 1 and (b = 2 and c = 3)'), {
      op: 'and',
      conditions: [eq('metadata.a', 1), { op: 'and', conditions: [eq('metadata.b', 2), eq('metadata.c', 3)] }],
    });
    assert.deepEqual(parse('(a = 1 or b = 2) and not (c = 3)'), {
      op: 'and',
      conditions: [{ op: 'or', conditions: [eq('metadata.a', 1), eq('metadata.b', 2)] }, { op: 'not', condition: eq('metadata.c', 3) }],
    });
    assert.deepEqual(parse('((a = 1))'), eq('metadata.a', 1));
  });

  it('reads keywords in any case, and field names case-sensitively', () => {
    assert.deepEqual(parse('NOT a = TRUE AND b In (False, NULL) OR c CONTAINS "x" or d STARTSWITH "y" or EXISTS e'), parse('not a = true and b in (false, null) or c contains "x" or d startsWith "y" or exists e'));
    assert.deepEqual(parse('Owner = "x"'), eq('metadata.Owner', 'x'));
    assert.notDeepEqual(parse('owner = "x"'), parse('Owner = "x"'));
  });

  it('resolves built-in, short and explicit metadata field names', () => {
    for (const field of ['path', 'name', 'kind', 'contentType', 'createdAt', 'updatedAt']) {
      assert.deepEqual(parse(`${field} != "document"`), { op: 'ne', field, value: 'document' });
    }
    assert.deepEqual(parse('version >= 2'), { op: 'ge', field: 'version', value: 2 });
    assert.deepEqual(parse('priority = 1'), eq('metadata.priority', 1));
    assert.deepEqual(parse('metadata.priority = 1'), eq('metadata.priority', 1));
    assert.deepEqual(parse('project.owner = "ann"'), eq('metadata.project.owner', 'ann'));
    assert.deepEqual(parse('metadata.path = 1'), eq('metadata.path', 1), 'a metadata key named like a built-in');
    assert.deepEqual(parse('metadata.in = 1'), eq('metadata.in', 1), 'a metadata key named like a keyword');
    assert.deepEqual(parse('metadata.metadata = 1'), eq('metadata.metadata', 1));
    assert.deepEqual(parse('metadata.CreatedAt = 1'), eq('metadata.CreatedAt', 1));
    assert.deepEqual(parse('and.or = 1'), eq('metadata.and.or', 1), 'a dotted name is never a keyword');
    assert.deepEqual(parse('userId = "bob"'), eq('metadata.userId', 'bob'), 'no short form reaches outside metadata');
    assert.deepEqual(parse('_a1.b_2 = 1'), eq('metadata._a1.b_2', 1));
    const eight = Array.from({ length: 8 }, (_, i) => `s${i}`).join('.');
    assert.deepEqual(parse(`${eight} = 1`), eq(`metadata.${eight}`, 1));
    assert.deepEqual(parse(`${'x'.repeat(64)} = 1`), eq(`metadata.${'x'.repeat(64)}`, 1));
  });

  it('reads string values with JSON escapes', () => {
    assert.equal((parse(String.raw`a = "q\" b\\ s\/ \b\f\n\r\t \u00e9 \uD83D\uDE00"`) as { value: string }).value, 'q" b\\ s/ \b\f\n\r\t é 😀');
    assert.equal((parse('a = "日本語 😀 \u2028"') as { value: string }).value, '日本語 😀 \u2028');
    assert.equal((parse('a = ""') as { value: string }).value, '');
    assert.equal((parse(`a = "${'x'.repeat(1024)}"`) as { value: string }).value.length, 1024);
    assert.equal((parse(String.raw`a = "it's"`) as { value: string }).value, "it's");
  });

  it('reads numbers as JSON does, and true, false, null', () => {
    const value = (text: string): unknown => (parse(`a = ${text}`) as { value: unknown }).value;
    assert.equal(value('0'), 0);
    assert.equal(value('-12'), -12);
    assert.equal(value('0.25'), 0.25);
    assert.equal(value('1e3'), 1000);
    assert.equal(value('-2.5E-2'), -0.025);
    assert.equal(value('1e+21'), 1e21);
    assert.ok(Object.is(value('-0'), -0));
    assert.equal(value('true'), true);
    assert.equal(value('false'), false);
    assert.equal(value('null'), null);
  });

  it('ignores spaces, tabs and line breaks between tokens', () => {
    assert.deepEqual(parse('\n\ta\r\n=\t1  and\nb = 2 '), { op: 'and', conditions: [eq('metadata.a', 1), eq('metadata.b', 2)] });
  });

  it('returns conditions that pass conditionSchema, up to every limit', () => {
    const deep = `${'not '.repeat(MAX_CONDITION_DEPTH)}a = 1`;
    assert.equal(conditionDepth(parse(deep)), MAX_CONDITION_DEPTH);
    const wide = Array.from({ length: 50 }, (_, i) => `f${i} = ${i}`).join(' or ');
    assert.equal((parse(wide) as { conditions: unknown[] }).conditions.length, 50);
    const many = `a in (${Array.from({ length: 100 }, (_, i) => i).join(', ')})`;
    assert.equal((parse(many) as { values: unknown[] }).values.length, 100);
    const long = `a = "${'x'.repeat(1000)}" or ${'b = 1 or '.repeat(340)}c = 1`;
    assert.ok(long.length <= 4096);
    assert.throws(() => parse(long), /at most 50 conditions/);
    for (const condition of [parse(deep), parse(wide), parse(many)]) assert.ok(conditionSchema.safeParse(condition).success);
  });
});

describe('formatCondition', () => {
  it('prints conditions in the language', () => {
    const text = 'priority = "high" and progress > 0.5';
    assert.equal(formatCondition(parse(text)), text);
    assert.equal(formatCondition(parse('a=1 OR b=2 AND NOT (c IN (1,"x") OR EXISTS d.e)')), 'a = 1 or (b = 2 and not (c in (1, "x") or exists d.e))');
    assert.equal(formatCondition(parse('not not size <= 3')), 'not not size <= 3');
    assert.equal(formatCondition(parse('name contains "\\"x\\"" and path startsWith "/A"')), 'name contains "\\"x\\"" and path startsWith "/A"');
  });

  it('uses the explicit metadata form only where the short one would read differently', () => {
    const cases: Array<[string, string]> = [
      ['metadata.owner', 'owner'],
      ['metadata.a.b', 'a.b'],
      ['metadata.path', 'metadata.path'],
      ['metadata.Path', 'metadata.Path'],
      ['metadata.metadata', 'metadata.metadata'],
      ['metadata.in', 'metadata.in'],
      ['metadata.NULL.x', 'metadata.NULL.x'],
      ['metadata.startswith', 'metadata.startswith'],
    ];
    for (const [field, written] of cases) {
      assert.equal(formatCondition({ op: 'exists', field }), `exists ${written}`);
      assert.deepEqual(parse(`exists ${written}`), { op: 'exists', field });
    }
  });

  it('keeps the meaning of ASTs the parser would not produce', () => {
    assert.equal(formatCondition({ op: 'and', conditions: [{ op: 'exists', field: 'metadata.a' }] }), 'exists a');
    const single: Condition = { op: 'and', conditions: [{ op: 'or', conditions: [{ op: 'or', conditions: [eq('metadata.a', 1), eq('metadata.b', 2)] }] }, eq('metadata.c', 3)] };
    assert.equal(formatCondition(single), '(a = 1 or b = 2) and c = 3');
    assert.equal(formatCondition({ op: 'and', conditions: [{ op: 'and', conditions: [eq('metadata.a', 1), eq('metadata.b', 2)] }, eq('metadata.c', 3)] }), '(a = 1 and b = 2) and c = 3');
    assert.equal(formatCondition(eq('size', 'big')), 'size = "big"');
    assert.equal(formatCondition({ op: 'eq', field: 'metadata.z', value: -0 }), 'z = -0');
  });
});

describe('conditionDepth', () => {
  it('counts levels of and/or/not on the deepest branch', () => {
    assert.equal(conditionDepth(eq('metadata.a', 1)), 0);
    assert.equal(conditionDepth(parse('a = 1 and b = 2')), 1);
    assert.equal(conditionDepth(parse('a = 1 and not b = 2')), 2);
    assert.equal(conditionDepth(parse('a = 1 or (b = 1 and not (c = 1 or d = 1))')), 4);
  });
});
