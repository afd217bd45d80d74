/**
 * The checks on one segment of a context path, each with a reason that names the offending
 * character, so that a caller who sent a bad path learns exactly what to change.
 *
 * The character set is an allow-list, not a deny-list: Unicode letters (with their combining
 * marks), Unicode digits, the ASCII space inside a segment, and the punctuation in SAFE_PUNCTUATION.
 * Everything with a meaning in URLs, shells, globs or file systems (`/ \ ? # % * " < > | $ ` ^
 * { } [ ]`) stays out, so a path can be put in a URL after one round of percent-encoding and
 * never reads as a pattern or a traversal anywhere downstream. The named checks before the
 * allow-list only exist to give a precise message for the well-known attacks.
 */

/** Punctuation allowed in a segment besides letters, digits and inner spaces. */
export const SAFE_PUNCTUATION = "-_.~@+,()'!&=:;";

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// Bidirectional overrides, embeddings and isolates, and the LRM/RLM/ALM marks: they make a path
// display differently from what it is.
const BIDI = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;
// Invisible characters: two paths that look the same must be the same path.
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad\u180e]/u;
const LINE_SEPARATORS = /[\u2028\u2029\u0085]/u;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/u;
const ONLY_DOTS = /^\.+$/u;
// An ASCII letter or digit, then ASCII letters, digits, inner spaces and the safe punctuation,
// not ending in a space: NFC and NFKC leave such a segment as it is and it is not all dots, so it
// passes every check below. Anything else takes the full path.
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9 _.~@+,()'!&=:;-]*(?<! )$/;
const ALLOWED = new RegExp(`^[\\p{L}\\p{M}\\p{N} ${escapeClass(SAFE_PUNCTUATION)}]+$`, 'u');
const FIRST_DISALLOWED = new RegExp(`[^\\p{L}\\p{M}\\p{N} ${escapeClass(SAFE_PUNCTUATION)}]`, 'u');

/** Why `segment` (1-based `index`) is not acceptable, or undefined when it is. */
export function segmentProblem(segment: string, index: number): string | undefined {
  if (segment === '') return `segment ${index} is empty: duplicate slashes ("//") are rejected, not collapsed`;
  // Most segments are plain: settle them before any Unicode work (and before quoting, which only
  // a refusal needs).
  if (PLAIN.test(segment)) return undefined;
  const where = `segment ${index} (${quote(segment)})`;
  if (/\p{Surrogate}/u.test(segment)) return `${where} contains an unpaired UTF-16 surrogate`;
  let match = CONTROL.exec(segment) ?? LINE_SEPARATORS.exec(segment);
  if (match) return `${where} contains the control character ${codePoint(match[0])}`;
  if ((match = BIDI.exec(segment))) return `${where} contains the bidirectional control ${codePoint(match[0])}`;
  if ((match = ZERO_WIDTH.exec(segment))) return `${where} contains the invisible character ${codePoint(match[0])}`;
  if (segment.includes('\\')) return `${where} contains a backslash; the separator is "/"`;
  if ((match = PERCENT_ESCAPE.exec(segment))) {
    return `${where} contains the percent-encoded sequence "${match[0]}": a path is decoded exactly once, so an escape left after decoding is rejected (double encoding)`;
  }
  const compatible = segment.normalize('NFKC');
  // "...", and fullwidth (U+FF0E) or one-dot-leader (U+2024) dots, which become "." after NFKC.
  if (ONLY_DOTS.test(compatible)) return `${where} is a relative segment: segments of only dots ("." and "..", in any form) are not allowed`;
  if (segment !== segment.normalize('NFC')) return `${where} is not in Unicode normalization form NFC`;
  if (segment !== compatible) {
    return `${where} contains compatibility characters (fullwidth forms, ligatures, special spaces...) that normalize to ${quote(compatible)}`;
  }
  if (/^\s|\s$/u.test(segment)) return `${where} starts or ends with whitespace`;
  if (/^\p{M}/u.test(segment)) return `${where} starts with a combining mark`;
  if (!ALLOWED.test(segment)) {
    const bad = FIRST_DISALLOWED.exec(segment)?.[0] ?? '';
    return `${where} contains ${codePoint(bad)}; allowed are letters, digits, inner spaces and ${SAFE_PUNCTUATION}`;
  }
  return undefined;
}

/** A segment for an error message: invisible and control characters spelled out, long ones cut. */
export function quote(text: string): string {
  const chars = Array.from(text);
  const shown = chars.length > 64 ? `${chars.slice(0, 64).join('')}...` : text;
  return `"${shown.replace(/[\p{C}\p{Z}]/gu, (char) => (char === ' ' ? ' ' : `\\u{${hex(char)}}`))}"`;
}

function codePoint(char: string): string {
  const printable = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char);
  return printable ? `"${char}" (U+${hex(char)})` : `U+${hex(char)}`;
}

function hex(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]\-^]/g, '\\$&');
}
