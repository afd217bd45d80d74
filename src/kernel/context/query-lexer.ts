/**
 * The tokenizer of the context query language (docs/context-queries.md). It runs on demand, one
 * token ahead of the parser, so the first error *by position* is the one reported; each
 * character is looked at a bounded number of times, so the time is linear in the text's length.
 * Every failure is a KernelError `invalid_input` naming the column (query-errors.ts).
 */
import { quoteText, syntaxError, type QuerySource } from './query-errors.js';

/** Reserved words of `where`, matched case-insensitively; the value is the canonical spelling. */
const KEYWORDS = new Map<string, Keyword>(
  (['and', 'or', 'not', 'in', 'contains', 'startsWith', 'exists', 'true', 'false', 'null'] as const).map((word) => [word.toLowerCase(), word]),
);
export type Keyword = 'and' | 'or' | 'not' | 'in' | 'contains' | 'startsWith' | 'exists' | 'true' | 'false' | 'null';
export type Punct = '(' | ')' | ',' | '=' | '!=' | '<' | '<=' | '>' | '>=';

export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toLowerCase());
}

/** `start` is the UTF-16 offset of the token's first character. */
export type Token =
  | { kind: 'name'; text: string; start: number }
  | { kind: 'keyword'; word: Keyword; start: number }
  | { kind: 'string'; value: string; start: number }
  | { kind: 'number'; value: number; raw: string; start: number }
  | { kind: 'punct'; text: Punct; start: number }
  | { kind: 'end'; start: number };

/** As in JSON: no leading zeros, no leading `+`, no bare `.5` or `5.`. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** ASCII identifiers, optionally dotted (`metadata.project.owner`). */
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NAME_CHAR = /[A-Za-z0-9_.]/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/** Matches only unpaired surrogates, because of the `u` flag. */
const LONE_SURROGATE = /\p{Cs}/u;
export const MAX_STRING_LENGTH = 1024;

export class Lexer {
  private offset = 0;
  private lookahead: Token | undefined;

  constructor(readonly source: QuerySource) {}

  peek(): Token {
    this.lookahead ??= this.scan();
    return this.lookahead;
  }

  next(): Token {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  fail(offset: number, message: string): never {
    throw syntaxError(this.source, offset, message);
  }

  /** `found …` wording for the token a message complains about. */
  describe(token: Token): string {
    switch (token.kind) {
      case 'end': return `end of ${this.source.field === 'where' ? 'query' : this.source.field}`;
      case 'name': return quoteText(token.text);
      case 'keyword': return `keyword "${token.word}"`;
      case 'string': return `string ${quoteText(token.value)}`;
      case 'number': return `number ${shorten(token.raw)}`;
      case 'punct': return `"${token.text}"`;
    }
  }

  private scan(): Token {
    const text = this.source.text;
    while (this.offset < text.length && ' \t\r\n'.includes(text[this.offset] as string)) this.offset += 1;
    const start = this.offset;
    const char = text[start];
    if (char === undefined) return { kind: 'end', start };
    const following = text[start + 1];
    switch (char) {
      case '(': case ')': case ',':
        this.offset += 1;
        return { kind: 'punct', text: char, start };
      case '=':
        if (following === '=') this.fail(start, 'unexpected "==": write = to compare for equality');
        this.offset += 1;
        return { kind: 'punct', text: '=', start };
      case '!':
        if (following !== '=') this.fail(start, 'unexpected "!": write not to negate a condition');
        this.offset += 2;
        return { kind: 'punct', text: '!=', start };
      case '<': case '>':
        if (char === '<' && following === '>') this.fail(start, 'unexpected "<>": write != for "not equal"');
        this.offset += following === '=' ? 2 : 1;
        return { kind: 'punct', text: following === '=' ? `${char}=` : char, start };
      case '"':
        return this.string(start);
      case "'":
        return this.fail(start, `unexpected "'": strings are written in double quotes ("text")`);
      case '&':
        return this.fail(start, 'unexpected "&": write and to join conditions');
      case '|':
        return this.fail(start, 'unexpected "|": write or to join alternatives');
      default:
        if (char === '-' || (char >= '0' && char <= '9')) return this.number(start);
        return this.name(start);
    }
  }

  private number(start: number): Token {
    const text = this.source.text;
    NUMBER.lastIndex = start;
    const raw = NUMBER.exec(text)?.[0];
    const after = raw === undefined ? undefined : text[start + raw.length];
    if (raw === undefined || (after !== undefined && NAME_CHAR.test(after))) {
      this.fail(start, 'malformed number: numbers are written as in JSON (5, -2, 0.25, 1e3)');
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) this.fail(start, `number ${shorten(raw)} is out of range`);
    this.offset = start + raw.length;
    return { kind: 'number', value, raw, start };
  }

  private name(start: number): Token {
    const text = this.source.text;
    NAME.lastIndex = start;
    const name = NAME.exec(text)?.[0];
    if (name === undefined) return this.fail(start, `unexpected ${describeChar(text, start)}`);
    const end = start + name.length;
    if (text[end] === '.') this.fail(end, `expected a name after ${quoteText(`${name}.`)}`);
    const after = text.codePointAt(end);
    if (after !== undefined && after > 0x7f && /[\p{L}\p{N}]/u.test(String.fromCodePoint(after))) {
      this.fail(end, `unexpected ${describeChar(text, end)}: field names are ASCII letters, digits and _`);
    }
    this.offset = end;
    const keyword = name.includes('.') ? undefined : KEYWORDS.get(name.toLowerCase());
    return keyword === undefined ? { kind: 'name', text: name, start } : { kind: 'keyword', word: keyword, start };
  }

  /** A JSON string literal: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`; no raw control characters. */
  private string(start: number): Token {
    const text = this.source.text;
    const parts: string[] = [];
    let index = start + 1;
    let chunk = index;
    for (;;) {
      const code = text.charCodeAt(index);
      if (Number.isNaN(code)) this.fail(start, 'unterminated string: it has no closing "');
      if (code === 0x22) break;
      if (code < 0x20) this.fail(index, `control character ${codePoint(code)} in a string: write it as an escape (\\n, \\t, \\u0000)`);
      if (code !== 0x5c) {
        index += 1;
        continue;
      }
      parts.push(text.slice(chunk, index));
      const escape = text[index + 1];
      if (escape === 'u') {
        const hex = text.slice(index + 2, index + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail(index, 'bad escape: \\u must be followed by 4 hex digits');
        parts.push(String.fromCharCode(Number.parseInt(hex, 16)));
        index += 6;
      } else {
        const decoded = escape === undefined ? undefined : ESCAPES[escape];
        if (decoded === undefined) this.fail(index, `bad escape "\\${escape ?? ''}": allowed are \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`);
        parts.push(decoded);
        index += 2;
      }
      chunk = index;
    }
    parts.push(text.slice(chunk, index));
    const value = parts.join('');
    if (LONE_SURROGATE.test(value)) this.fail(start, 'the string holds an unpaired UTF-16 surrogate: it is not valid Unicode');
    if (value.length > MAX_STRING_LENGTH) this.fail(start, `the string is ${value.length} characters long; at most ${MAX_STRING_LENGTH} are allowed`);
    this.offset = index + 1;
    return { kind: 'string', value, start };
  }
}

/** Numbers are ASCII: cutting by UTF-16 units is safe. */
function shorten(raw: string): string {
  return raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `";"`, `"é" (U+00E9)`, or just `character U+200B` for what would print invisibly. */
function describeChar(text: string, offset: number): string {
  const char = String.fromCodePoint(text.codePointAt(offset) ?? 0);
  const code = char.codePointAt(0) ?? 0;
  if (code > 0x20 && code < 0x7f) return `"${char}"`;
  return /^[\p{C}\p{Z}]$/u.test(char) ? `character ${codePoint(code)}` : `"${char}" (${codePoint(code)})`;
}
