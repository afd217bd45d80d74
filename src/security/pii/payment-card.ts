/**
 * Payment card numbers (PAN): 13-19 digits that pass the Luhn check, written in the groupings
 * cards are printed with (separated by spaces or dashes), or in one piece when the number is in a
 * known issuer range (so ids and millisecond timestamps that pass Luhn by chance stay out). A
 * Luhn-invalid number is never a card, and neither is one starting with 0 (no issuer range starts
 * with 0; this also keeps all-zero filler such as `0000 0000 0000 0000` out).
 *
 * Within a run of groups the longest printed grouping is the candidate, and if it fails Luhn its
 * groups are not tried again in smaller windows: `4111 1111 1111 1111 123` is one 19-digit number,
 * not a 16-digit card followed by 123. Groupings that cards are not printed in (4-4-4-4-2) end the
 * candidate, so `4111 1111 1111 1111 12/25` still finds the card before the expiry date.
 */
import { luhnValid } from './checksums.js';
import { digitsOf, groupLength, isStandalone, isWordChar, separatedRuns, type DigitGroup, type TextInput } from './text.js';
import type { Candidate } from './types.js';

/** Group lengths cards are printed with: 4s (13-16 and 19 digits), Amex 4-6-5, Diners 4-6-4. */
const GROUPINGS = new Set(['4-4-4-1', '4-4-4-2', '4-4-4-3', '4-4-4-4', '4-4-4-4-3', '4-6-4', '4-6-5']);
const MAX_GROUPS = 5;

/** Index of the last group of the longest card-shaped window starting at `first`, or -1. */
function longestWindow(run: readonly DigitGroup[], first: number): number {
  const length = groupLength(run[first]!);
  if (length >= 13 && length <= 19) return first;
  let shape = '';
  let best = -1;
  for (let last = first; last < run.length && last < first + MAX_GROUPS; last += 1) {
    shape += (last === first ? '' : '-') + String(groupLength(run[last]!));
    if (GROUPINGS.has(shape)) best = last;
  }
  return best;
}

interface Range {
  prefix: string;
  lengths: readonly number[];
}

/** Issuer ranges by brand (prefix ranges as strings compared on the number's leading digits). */
const BRANDS: ReadonlyArray<[brand: string, ranges: readonly Range[]]> = [
  ['amex', [{ prefix: '34', lengths: [15] }, { prefix: '37', lengths: [15] }]],
  ['diners', [{ prefix: '300-305', lengths: [14, 16, 17, 18, 19] }, { prefix: '36', lengths: [14, 15, 16, 17, 18, 19] }, { prefix: '38-39', lengths: [16, 17, 18, 19] }]],
  ['jcb', [{ prefix: '3528-3589', lengths: [16, 17, 18, 19] }]],
  ['visa', [{ prefix: '4', lengths: [13, 16, 19] }]],
  ['mir', [{ prefix: '2200-2204', lengths: [16, 17, 18, 19] }]],
  ['mastercard', [{ prefix: '51-55', lengths: [16] }, { prefix: '2221-2720', lengths: [16] }]],
  ['discover', [{ prefix: '6011', lengths: [16, 17, 18, 19] }, { prefix: '644-649', lengths: [16, 17, 18, 19] }, { prefix: '65', lengths: [16, 17, 18, 19] }]],
  ['unionpay', [{ prefix: '62', lengths: [16, 17, 18, 19] }]],
  ['maestro', [{ prefix: '50', lengths: [13, 14, 15, 16, 17, 18, 19] }, { prefix: '56-58', lengths: [13, 14, 15, 16, 17, 18, 19] }, { prefix: '6304', lengths: [16, 17, 18, 19] }, { prefix: '6759', lengths: [13, 16, 18, 19] }]],
];

function inRange(digits: string, prefix: string): boolean {
  const [low, high = low] = prefix.split('-') as [string, string?];
  const head = Number(digits.slice(0, low.length));
  return head >= Number(low) && head <= Number(high);
}

/** The card brand for a PAN, or undefined when the issuer range is not one listed here. */
export function cardBrand(digits: string): string | undefined {
  for (const [brand, ranges] of BRANDS) {
    if (ranges.some((range) => range.lengths.includes(digits.length) && inRange(digits, range.prefix))) return brand;
  }
  return undefined;
}

export function detectPaymentCards(input: TextInput): Candidate[] {
  const { text } = input;
  const found: Candidate[] = [];
  for (const run of separatedRuns(text, input.groups, ' -')) {
    // A run glued to a word ("DE88 3704 0044 ...", an id) or signed ("+4915112345678", a phone)
    // is some other number.
    const before = run[0]!.start - 1;
    if (isWordChar(text, before) || text.charAt(before) === '+' || isWordChar(text, run[run.length - 1]!.end)) continue;
    let first = 0;
    while (first < run.length) {
      const last = longestWindow(run, first);
      if (last === -1) {
        first += 1;
        continue;
      }
      const window = run.slice(first, last + 1);
      const start = window[0]!.start;
      const end = window[window.length - 1]!.end;
      const digits = digitsOf(text, window);
      const brand = cardBrand(digits);
      // Unformatted digits need a known issuer range: a millisecond timestamp (1700000000000)
      // is 13 digits and passes Luhn one time in ten.
      const shaped = brand !== undefined || window.length > 1;
      if (shaped && digits.charCodeAt(0) !== 48 && isStandalone(text, start, end) && luhnValid(digits)) {
        found.push(brand === undefined ? { kind: 'payment_card', start, end } : { kind: 'payment_card', start, end, detail: brand });
      }
      first = last + 1;
    }
  }
  return found;
}
