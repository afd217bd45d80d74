/**
 * Telephone numbers. The trade-off: only numbers *written as phone numbers* are reported, so
 * ids, timestamps and amounts that happen to have 10 digits are left alone, and an unformatted
 * national number (`5551234567`) is missed. Reported:
 * - `e164`: `+` and 8-15 digits, first digit not 0, in any grouping with single spaces, dots,
 *   dashes or one parenthesised group (`+1 (555) 123-4567`, `+44 20 7946 0958`, `+4915112345678`).
 *   One-digit groups only right after the country code, so `+1 1 1 1 1 ...` is not a number.
 * - `international`: the same after a `00` exit code, grouped (`0044 20 7946 0958`).
 * - `nanp`: North American 3-3-4 with an area code 2-9, optionally `1` first or the area code in
 *   parentheses (`(555) 123-4567`, `555.123.4567`, `1-800-555-0199`).
 * - `national`: trunk-prefixed national numbers as most of the world writes them: a leading 0,
 *   10-11 digits, at least two groups of 2+ digits joined by the same separator
 *   (`020 7946 0958`, `07700 900123`, `01 23 45 67 89`, `030 12345678`).
 * ISO dates and times (`2024-01-15`, `10:30:00`), versions, IPs, UUIDs and decimals never take
 * these shapes or are glued to letters or other numbers; payment cards are reported as cards
 * because cards outrank phones when matches overlap.
 */
import { digitsOf, groupLength, isWordChar, type DigitGroup, type TextInput } from './text.js';
import type { Candidate } from './types.js';

/** What may stand between two groups of one number. */
const LINKS = new Set([' ', '-', '.', ')', ') ', ')-', ').', '(', ' (']);
/** What may stand before / after a number (besides the start or end of the text). */
const BEFORE = new Set([...' \t\n\r"\'([{<>,;:=|*']);
const AFTER = new Set([...' \t\n\r"\')]}<>,;:.!?|*']);
const MAX_GROUPS = 8;
const MAX_DIGITS = 17;

interface Chain {
  groups: DigitGroup[];
  /** gaps[i] is the text between groups[i] and groups[i + 1]. */
  gaps: string[];
  plus: boolean;
  paren: boolean;
  start: number;
  leftOk: boolean;
  rightOk: boolean;
}

function gapText(text: string, left: DigitGroup, right: DigitGroup): string | undefined {
  const length = right.start - left.end;
  if (length > 2) return undefined;
  const gap = text.slice(left.end, right.start);
  return gap.includes('\u00a0') ? gap.replace(/\u00a0/g, ' ') : gap;
}

function chains(text: string, groups: readonly DigitGroup[]): Chain[] {
  const result: Chain[] = [];
  let index = 0;
  while (index < groups.length) {
    const first = groups[index]!;
    const chain: Chain = { groups: [first], gaps: [], plus: false, paren: false, start: first.start, leftOk: false, rightOk: false };
    while (index + 1 < groups.length) {
      const gap = gapText(text, groups[index]!, groups[index + 1]!);
      if (gap === undefined || !LINKS.has(gap)) break;
      chain.gaps.push(gap);
      chain.groups.push(groups[index + 1]!);
      index += 1;
    }
    const before = text.charAt(first.start - 1);
    // A '(' opens the number only when its group closes right after: in "(555-123-4567)" it is prose.
    if (before === '+' || (before === '(' && chain.gaps[0]?.startsWith(')') === true)) {
      chain.plus = before === '+';
      chain.paren = before === '(';
      chain.start -= 1;
    }
    chain.leftOk = chain.start === 0 || BEFORE.has(text.charAt(chain.start - 1));
    const end = chain.groups[chain.groups.length - 1]!.end;
    const after = text.charAt(end);
    chain.rightOk = end === text.length || AFTER.has(after);
    result.push(chain);
    index += 1;
  }
  return result;
}

/** A number may start or end inside a chain only at a space (`call 555-123-4567 or ...`). */
function isSplit(gap: string): boolean {
  return gap === ' ' || gap === ' (';
}

interface Window {
  lengths: number[];
  digits: string;
  gaps: string[];
  plus: boolean;
  /** Index of the parenthesised group, -1 if none; undefined when the parentheses do not pair. */
  parenGroup: number | undefined;
}

function parenGroup(openFirst: boolean, gaps: readonly string[], count: number): number | undefined {
  let found = -1;
  for (let index = 0; index < count; index += 1) {
    const opened = index === 0 ? openFirst : gaps[index - 1]!.endsWith('(');
    const closed = index < count - 1 && gaps[index]!.startsWith(')');
    if (opened !== closed) return undefined;
    if (opened) {
      if (found !== -1) return undefined;
      found = index;
    }
  }
  return found;
}

/** Plain separators (not touching a parenthesis) all equal. */
function consistentGaps(gaps: readonly string[]): boolean {
  const plain = gaps.filter((gap) => !gap.includes('(') && !gap.includes(')'));
  return plain.every((gap) => gap === plain[0]);
}

function classify(window: Window): string | undefined {
  const { lengths, digits, gaps, plus, parenGroup: paren } = window;
  if (paren === undefined || paren > 1) return undefined;
  if (plus) {
    const ok = digits.length >= 8 && digits.length <= 15 && digits[0] !== '0' &&
      lengths.every((length, index) => length > 1 || index <= 1) && !/^.(.)\1*$/.test(digits);
    return ok ? 'e164' : undefined;
  }
  if (digits.startsWith('00')) {
    const rest = digits.length - 2;
    const ok = digits[2] !== '0' && rest >= 8 && rest <= 15 && lengths.length >= 2 && lengths.every((length) => length > 1);
    return ok ? 'international' : undefined;
  }
  const shape = lengths.join('-');
  if (shape === '3-3-4' || (shape === '1-3-3-4' && digits[0] === '1')) {
    const area = shape === '3-3-4' ? 0 : 1;
    const ok = digits[shape === '3-3-4' ? 0 : 1]! >= '2' && (paren === -1 || paren === area);
    return ok ? 'nanp' : undefined;
  }
  const national = digits[0] === '0' && digits.length >= 10 && digits.length <= 11 && lengths.length >= 2 &&
    lengths[0]! >= 2 && lengths[0]! <= 5 && lengths.every((length) => length >= 2) && (paren === -1 || paren === 0) &&
    consistentGaps(gaps);
  return national ? 'national' : undefined;
}

function windowAt(text: string, chain: Chain, first: number, last: number): Window {
  const groups = chain.groups.slice(first, last + 1);
  const gaps = chain.gaps.slice(first, last);
  const openFirst = first === 0 ? chain.paren : chain.gaps[first - 1]!.endsWith('(');
  return {
    lengths: groups.map(groupLength),
    digits: digitsOf(text, groups),
    gaps,
    plus: first === 0 && chain.plus,
    parenGroup: parenGroup(openFirst, gaps, groups.length),
  };
}

/** Fewer digits than the shortest format (E.164's 8) can never classify. */
const MIN_DIGITS = 8;

function detectInChain(text: string, chain: Chain, found: Candidate[]): void {
  const { groups, gaps } = chain;
  const count = groups.length;
  let first = 0;
  while (first < count) {
    let matched = -1;
    if (first === 0 ? chain.leftOk : isSplit(gaps[first - 1]!)) {
      // Furthest end worth trying: no format has a one-digit group after its second group.
      let last = first;
      let digits = groupLength(groups[first]!);
      while (last + 1 < count && last + 1 - first < MAX_GROUPS) {
        const next = groupLength(groups[last + 1]!);
        if (digits + next > MAX_DIGITS || (next === 1 && last + 1 - first >= 2)) break;
        last += 1;
        digits += next;
      }
      for (; last >= first && matched === -1 && digits >= MIN_DIGITS; digits -= groupLength(groups[last]!), last -= 1) {
        if (!(last === count - 1 ? chain.rightOk : isSplit(gaps[last]!))) continue;
        const detail = classify(windowAt(text, chain, first, last));
        if (detail === undefined) continue;
        const start = first === 0 ? chain.start : groups[first]!.start - (gaps[first - 1] === ' (' ? 1 : 0);
        found.push({ kind: 'phone', start, end: groups[last]!.end, detail });
        matched = last;
      }
    }
    first = matched === -1 ? first + 1 : matched + 1;
  }
}

export function detectPhones(input: TextInput): Candidate[] {
  const { text } = input;
  const found: Candidate[] = [];
  for (const chain of chains(text, input.groups)) {
    if (chain.groups.length === 1 && !chain.plus) continue; // unformatted digits are never a phone here
    // Glued to a word at either end ("DE88 3704 0044 ...", "a456-426614174000"): part of a code.
    if (isWordChar(text, chain.start - 1) || isWordChar(text, chain.groups[chain.groups.length - 1]!.end)) continue;
    detectInChain(text, chain, found);
  }
  return found;
}
