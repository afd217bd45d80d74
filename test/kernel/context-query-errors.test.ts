import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError } from '../../src/kernel/errors.js';
import { MAX_CONDITION_DEPTH, parseContextQuery, type Condition } from '../../src/kernel/context/index.js';

const parse = parseContextQuery;

/** The query is refused as invalid_input; the reason names `column` and matches `reason`. */
function rejects(text: string, reason: RegExp, column?: number): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(isKernelError(error, 'invalid_input'), `expected invalid_input for ${JSON.stringify(text)}, got ${String(error)}`);
      const [issue] = error.details?.['errors'] as Array<{ field: string; reason: string }>;
      assert.equal(issue?.field, 'where');
      assert.equal(error.message, `invalid where: ${issue.reason}`);
      assert.match(issue.reason, reason);
      if (column !== undefined) assert.match(issue.reason, new RegExp(`^at column ${column}: `), issue.reason);
      return true;
    },
  );
}

const eq = (field: string, value: string | number | boolean | null): Condition => ({ op: 'eq', field, value });

describe('parseContextQuery: errors name the column and what was expected', () => {
  it('end of query', () => {
    rejects('priority = ', /^at column 12: expected a value after "=", found end of query/);
    rejects('', /expected a condition \(a field name, not, exists or "\("\), found end of query/, 1);
    rejects('   ', /found end of query/, 4);
    rejects('a = 1 and', /expected a condition .*found end of query/, 10);
    rejects('not', /expected a condition/, 4);
    rejects('exists', /expected a field name after exists, found end of query/, 7);
    rejects('priority', /expected an operator \(=, !=, <, <=, >, >=, in, contains or startsWith\) after priority, found end of query/, 9);
  });

  it('parentheses', () => {
    rejects('(a = 1', /expected "\)" to close the "\(" of column 1, found end of query/, 7);
    rejects('(a = 1 b', /expected "\)" to close the "\(" of column 1, found "b"/, 8);
    rejects('a = 1)', /unmatched "\)"/, 6);
    rejects('()', /expected a condition .*found "\)"/, 2);
    rejects('a = 1 b = 2', /expected and, or or the end of the query, found "b"/, 7);
  });

  it('operators, with hints for other languages', () => {
    rejects('a == 1', /unexpected "==": write = to compare/, 3);
    rejects('a <> 1', /unexpected "<>": write != for "not equal"/, 3);
    rejects('!a', /unexpected "!": write not/, 1);
    rejects('a = 1 && b = 2', /unexpected "&": write and/, 7);
    rejects('a = 1 || b = 2', /unexpected "\|": write or/, 7);
    rejects('priority not in (1)', /after priority, found keyword "not"; to negate, put not before the condition/, 10);
    rejects('a like "x"', /expected an operator .* after a, found "like"/, 3);
    rejects('a in 1', /expected "\(" after in, found number 1/, 6);
    rejects('a in ()', /expected a value after "in \(", found "\)"/, 7);
    rejects('a in (1 2)', /expected "," or "\)" in the in \(…\) list, found number 2/, 9);
    rejects('a in (1,)', /expected a value after ",", found "\)"/, 9);
    rejects('a contains 5', /expected a string after contains, found number 5/, 12);
    rejects('a startsWith null', /expected a string after startsWith, found keyword "null"/, 14);
  });

  it('values', () => {
    rejects('priority = high', /expected a value after "=", found "high"; strings are written in double quotes/, 12);
    rejects("priority = 'high'", /unexpected "'": strings are written in double quotes/, 12);
    rejects('"high" = priority', /expected a condition .*found string "high"/, 1);
    rejects('a = (1)', /expected a value after "=", found "\(" \(a value is a "string", a number, true, false or null\)/, 5);
    for (const bad of ['01', '1.', '.5', '1e', '+1', '-', '- 1', '1.2.3', '5abc', '0x10']) rejects(`a = ${bad}`, /malformed number|unexpected "\."|unexpected "\+"/, 5);
    rejects('a = 1e400', /number 1e400 is out of range/, 5);
    rejects('a = -1e400', /out of range/, 5);
  });

  it('strings', () => {
    rejects('a = "abc', /unterminated string: it has no closing "/, 5);
    rejects(String.raw`a = "x\q"`, /bad escape "\\q": allowed are/, 7);
    rejects(String.raw`a = "x\u12"`, /\\u must be followed by 4 hex digits/, 7);
    rejects('a = "x\\', /bad escape "\\": allowed are/, 7);
    rejects('a = "x\ny"', /^at line 1, column 7: control character U\+000A in a string: write it as an escape/);
    rejects('a = "x\ty"', /control character U\+0009/, 7);
    rejects(String.raw`a = "\uD800"`, /unpaired UTF-16 surrogate/, 5);
    rejects('a = "\uDC00"', /unpaired UTF-16 surrogate/, 5);
    rejects(`a = "${'x'.repeat(1025)}"`, /the string is 1025 characters long; at most 1024/, 5);
  });

  it('characters outside the language', () => {
    rejects('a = 1 ; drop table x', /unexpected ";"/, 7);
    rejects('a = 1 -- comment', /malformed number/, 7);
    rejects('a.b[0] = 1', /unexpected "\["/, 4);
    rejects('é = 1', /unexpected "é" \(U\+00E9\)/, 1);
    rejects('prioritä = 1', /unexpected "ä" \(U\+00E4\): field names are ASCII letters, digits and _/, 8);
    rejects('a\u00a0= 1', /unexpected character U\+00A0/, 2);
    rejects('a =\u200b1', /unexpected character U\+200B/, 4);
    rejects('a = 1 and $x = 2', /unexpected "\$"/, 11);
    rejects('a. = 1', /expected a name after "a\."/, 2);
    rejects('a..b = 1', /expected a name after "a\."/, 2);
  });

  it('field names', () => {
    rejects('CreatedAt > "2024"', /field names are case-sensitive: did you mean createdAt\? For a metadata field named CreatedAt, write metadata\.CreatedAt/, 1);
    rejects('Metadata.x = 1', /did you mean metadata\.x\?/, 1);
    rejects('PATH = "/a"', /did you mean path\?/, 1);
    rejects('metadata = 1', /"metadata" needs a field name after it: metadata\.<name>/, 1);
    rejects('path.x = 1', /the built-in field path has no sub-fields; for a metadata field write metadata\.path\.x/, 1);
    rejects('in = 1', /found keyword "in"; a metadata field with that name is written metadata\.in/, 1);
    rejects('exists null', /expected a field name after exists, found keyword "null"; .*metadata\.null/, 8);
    rejects(`${Array.from({ length: 9 }, (_, i) => `s${i}`).join('.')} = 1`, /at most 8 levels of names; .* has 9/, 1);
    rejects(`metadata.${Array.from({ length: 9 }, (_, i) => `s${i}`).join('.')} = 1`, /has 9/, 1);
    rejects(`${'x'.repeat(65)} = 1`, /is 65 characters long; at most 64/, 1);
  });

  it('comparisons that can never match', () => {
    rejects('size = "10"', /size is a number: compare it with a number, not string "10"/, 8);
    rejects('version in (1, "2")', /version is a number/, 16);
    rejects('path = 1', /path is text: compare it with a "string", not number 1/, 8);
    rejects('name = null', /name is text: .*not keyword "null"/, 8);
    rejects('updatedAt != true', /updatedAt is text/, 14);
    rejects('kind = "doc"', /kind is "document" or "folder", not string "doc"/, 8);
    rejects('kind in ("folder", "file")', /kind is "document" or "folder", not string "file"/, 20);
    rejects('size contains "1"', /size is a number: contains applies to text/, 6);
    rejects('version startsWith "1"', /version is a number: startsWith applies to text/, 9);
    rejects('priority < true', /"<" compares numbers or strings, not true/, 12);
    rejects('priority >= null', /">=" compares numbers or strings, not null/, 13);
    assert.deepEqual(parse('priority != null'), { op: 'ne', field: 'metadata.priority', value: null });
  });

  it('limits: length, terms, values, depth, nesting and parts', () => {
    assert.throws(() => parse(`a = "${'x'.repeat(4091)}"`), (error: unknown) => isKernelError(error, 'invalid_input') && /4097 characters long; at most 4096/.test(error.message));
    rejects(Array.from({ length: 51 }, (_, i) => `f${i} = ${i}`).join(' and '), /at most 50 conditions can be joined by and; group some in parentheses/);
    rejects(Array.from({ length: 51 }, (_, i) => `f${i} = ${i}`).join(' or '), /at most 50 conditions can be joined by or/);
    rejects(`a in (${Array.from({ length: 101 }, (_, i) => i).join(',')})`, /at most 100 values are allowed in one in \(…\) list/);
    rejects(`${'not '.repeat(MAX_CONDITION_DEPTH + 1)}a = 1`, /conditions are nested more than 8 levels of and\/or\/not deep/, 1);
    let nested = 'a = 1';
    for (let level = 0; level < MAX_CONDITION_DEPTH + 1; level += 1) nested = `b = ${level} ${level % 2 === 0 ? 'and' : 'or'} (${nested})`;
    rejects(nested, /nested more than 8 levels/, 7);
    rejects(`${'('.repeat(17)}a = 1${')'.repeat(17)}`, /parentheses and not are nested more than 16 deep/, 17);
    assert.deepEqual(parse(`${'('.repeat(16)}a = 1${')'.repeat(16)}`), eq('metadata.a', 1));
    const group = `(${Array.from({ length: 50 }, () => 'a=1').join(' or ')})`;
    rejects(Array.from({ length: 6 }, () => group).join(' and '), /more than 256 parts/);
  });

  it('reports line and column for multi-line queries, counting characters not UTF-16 units', () => {
    rejects('a = "😀😀" and', /found end of query/, 13);
    assert.throws(() => parse('a = 1\nand b ='), (error: unknown) => {
      assert.ok(isKernelError(error, 'invalid_input'));
      assert.match(error.message, /^invalid where: at line 2, column 8: expected a value after "="/);
      assert.deepEqual(error.details?.['position'], { line: 2, column: 8 });
      return true;
    });
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['a = 1']]) {
      assert.throws(() => parse(value as string), (error: unknown) => isKernelError(error, 'invalid_input') && /where: must be a string/.test(error.message));
    }
  });
});
