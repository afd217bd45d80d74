/**
 * Credentials by name: `password=...`, `api_key: "..."`, `"client_secret":"..."` inside a string,
 * and a whole string held by a property named like a credential (`{"password": "hunter2"}`).
 * Only the value is reported, so a redacted text still says which setting it was.
 *
 * A `:` with an unquoted value counts only when the value is the last thing on its line
 * (`secret: s3cr3t`), so prose such as "password: too short" is not a secret; `=` always counts.
 */
import { credentialStrength, isCredentialValue } from './credentials.js';
import type { TextInput } from './text.js';
import type { Candidate } from './types.js';

const SEPARATORS = /[:=]/g;
const MAX_NAME = 128;
const MAX_QUOTED = 4096;
const QUOTES = '"\'`';
const VALUE_END = new Set([...' \t\r\n"\'`,;&<>)]}']);
const LINE_END = new Set([...'\r\n,;}]"\'']);

function isNameChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45 || code === 46;
}

/** The name before the separator at `at` (`"db_password" :` -> db_password), or undefined. */
function nameBefore(text: string, at: number): string | undefined {
  let end = at;
  while (end > 0 && at - end < 2 && (text.charAt(end - 1) === ' ' || text.charAt(end - 1) === '\t')) end -= 1;
  if (QUOTES.includes(text.charAt(end - 1)) && end > 0) end -= 1;
  let start = end;
  while (start > 0 && end - start < MAX_NAME && isNameChar(text.charCodeAt(start - 1))) start -= 1;
  return start < end ? text.slice(start, end) : undefined;
}

/** Length of the separator at `at`, or 0 when it is not an assignment (`==`, `://`, `::`). */
function separatorLength(text: string, at: number): number {
  const char = text.charAt(at);
  const next = text.charAt(at + 1);
  const previous = text.charAt(at - 1);
  if (char === '=') {
    if ('=!<>:'.includes(previous) && previous !== '') return 0;
    if (next === '=') return 0;
    return next === '>' ? 2 : 1;
  }
  if (next === '/' || next === ':' || previous === ':') return 0;
  return next === '=' ? 2 : 1;
}

interface Value {
  start: number;
  end: number;
  /** False for a `:` whose unquoted value is followed by more words on its line. */
  alone: boolean;
}

function valueAfter(text: string, from: number): Value {
  let start = from;
  while (start < text.length && start - from < 8 && (text.charAt(start) === ' ' || text.charAt(start) === '\t')) start += 1;
  const quote = text.charAt(start);
  if (quote !== '' && QUOTES.includes(quote)) {
    // Linear overall: each search ends at the next quote of its kind, and only the last quote of
    // each kind can search to the end of the text.
    const close = text.indexOf(quote, start + 1);
    if (close !== -1 && close - start <= MAX_QUOTED) return { start: start + 1, end: close, alone: true };
    start += 1; // unterminated: read it as an unquoted value
  }
  let end = start;
  while (end < text.length && !VALUE_END.has(text.charAt(end))) end += 1;
  let next = end;
  while (next < text.length && (text.charAt(next) === ' ' || text.charAt(next) === '\t')) next += 1;
  return { start, end, alone: next === text.length || LINE_END.has(text.charAt(next)) };
}

export function detectAssignments(input: TextInput): Candidate[] {
  const { text } = input;
  const found: Candidate[] = [];
  // Most text has no ':' or '=' at all: no regex then.
  if (!text.includes('=') && !text.includes(':')) return found;
  const separators = new RegExp(SEPARATORS.source, 'g');
  for (let match = separators.exec(text); match !== null; match = separators.exec(text)) {
    const at = match.index;
    const length = separatorLength(text, at);
    const name = length === 0 ? undefined : nameBefore(text, at);
    const strength = name === undefined ? undefined : credentialStrength(name);
    if (strength === undefined) continue;
    const value = valueAfter(text, at + length);
    // Whatever the verdict, the value is one token: never read it again from a separator inside
    // it (that would make "password=%password=%..." quadratic).
    separators.lastIndex = Math.max(value.end, at + 1);
    const colon = text.charAt(at) === ':' && length === 1;
    if (colon && !value.alone) continue;
    if (!isCredentialValue(text.slice(value.start, value.end), strength)) continue;
    found.push({ kind: 'secret', start: value.start, end: value.end, detail: 'credential_assignment' });
  }
  return found;
}

/** A string held by a property named like a credential is one as a whole. */
export function detectCredentialField(input: TextInput): Candidate[] {
  const { key, inKey } = input.context;
  if (inKey || key === undefined) return [];
  const strength = credentialStrength(key);
  if (strength === undefined || !isCredentialValue(input.text, strength)) return [];
  return [{ kind: 'secret', start: 0, end: input.text.length, detail: 'credential_field' }];
}
