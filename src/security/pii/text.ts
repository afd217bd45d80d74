/**
 * Character helpers shared by the detectors. Every detector is a single forward pass (or a
 * bounded look around an anchor) so a scan stays linear in the input, whatever the input.
 */
import type { TextContext } from './types.js';

export function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isDigitAt(text: string, index: number): boolean {
  return isDigitCode(text.charCodeAt(index)); // NaN outside the string: false
}

function isAsciiAlnum(code: number): boolean {
  return isDigitCode(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

const NON_ASCII_WORD = /[\p{L}\p{N}]/u;

/** A letter, digit or underscore (any script): something a match must not be glued to. */
export function isWordChar(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) return isAsciiAlnum(code) || code === 95;
  return NON_ASCII_WORD.test(text.charAt(index));
}

/** Characters that glue two numbers into one (a decimal part, a dashed id, a date, a time). */
const GLUE = '.,-/:';

/**
 * True when [start, end) stands on its own: not part of a word, and not one piece of a longer
 * number such as `0.4111111111111111` or `12-4111111111111111`.
 */
export function isStandalone(text: string, start: number, end: number): boolean {
  if (isWordChar(text, start - 1) || isWordChar(text, end)) return false;
  if (start >= 2 && GLUE.includes(text.charAt(start - 1)) && isDigitAt(text, start - 2)) return false;
  if (end + 1 < text.length && GLUE.includes(text.charAt(end)) && isDigitAt(text, end + 1)) return false;
  return true;
}

/** A maximal run of ASCII digits. */
export interface DigitGroup {
  start: number;
  end: number;
}

export function digitGroups(text: string): DigitGroup[] {
  const groups: DigitGroup[] = [];
  let index = 0;
  while (index < text.length) {
    if (!isDigitAt(text, index)) {
      index += 1;
      continue;
    }
    const start = index;
    while (index < text.length && isDigitAt(text, index)) index += 1;
    groups.push({ start, end: index });
  }
  return groups;
}

export function groupLength(group: DigitGroup): number {
  return group.end - group.start;
}

export function digitsOf(text: string, groups: readonly DigitGroup[]): string {
  let digits = '';
  for (const group of groups) digits += text.slice(group.start, group.end);
  return digits;
}

/**
 * Maximal runs of digit groups joined by one and the same single separator character taken from
 * `separators` (`4111 1111 1111 1111`, `123-45-6789`). A lone group is a run of one.
 */
export function separatedRuns(text: string, groups: readonly DigitGroup[], separators: string): DigitGroup[][] {
  const runs: DigitGroup[][] = [];
  let index = 0;
  while (index < groups.length) {
    const run = [groups[index]!];
    let separator: string | undefined;
    while (index + 1 < groups.length) {
      const left = groups[index]!;
      const right = groups[index + 1]!;
      if (right.start - left.end !== 1) break;
      const gap = text.charAt(left.end);
      if (!separators.includes(gap) || (separator !== undefined && gap !== separator)) break;
      separator = gap;
      run.push(right);
      index += 1;
    }
    runs.push(run);
    index += 1;
  }
  return runs;
}

/** Does `words` occur in the property name or in the few characters before `start`? */
export function hasContext(input: TextInput, start: number, words: readonly string[]): boolean {
  const key = input.context.key?.toLowerCase();
  const before = input.text.slice(Math.max(0, start - 48), start).toLowerCase();
  return words.some((word) => before.includes(word) || (key !== undefined && key.includes(word)));
}

/** One string being scanned, with the digit groups computed once for all detectors. */
export class TextInput {
  #groups: DigitGroup[] | undefined;
  constructor(
    readonly text: string,
    readonly context: TextContext,
  ) {}

  get groups(): readonly DigitGroup[] {
    this.#groups ??= digitGroups(this.text);
    return this.#groups;
  }
}
