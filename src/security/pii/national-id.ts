/**
 * National identification numbers:
 * - `us_ssn`: US Social Security numbers, `123-45-6789` or `123 45 6789`, with the SSA rules
 *   (area not 000, 666 or 900-999; group not 00; serial not 0000; and the two numbers the SSA
 *   voided after they were printed in advertising). Nine bare digits count only next to a
 *   word such as "SSN" (in the text before it or in the property name), since order numbers
 *   and ids are nine digits just as often.
 * - `uk_nino`: UK National Insurance numbers, `AB123456C` / `AB 12 34 56 C`, with HMRC's prefix
 *   rules (no D F I Q U V first, no D F I O Q U V second, not BG GB KN NK NT TN ZZ) and the A-D
 *   suffix required (without it, two letters and six digits are too often a reference number).
 * - `nl_bsn`: Dutch citizen service numbers, 9 digits passing the 11-proof, next to "BSN"
 *   (the 11-proof alone passes one in eleven random numbers).
 * - `in_aadhaar`: Indian Aadhaar numbers, 12 digits starting 2-9 passing the Verhoeff check,
 *   written `2345 6789 0124` (or dashed), or bare next to "Aadhaar".
 */
import { elevenProofValid, verhoeffValid } from './checksums.js';
import { digitsOf, groupLength, hasContext, isStandalone, separatedRuns, type DigitGroup, type TextInput } from './text.js';
import type { Candidate } from './types.js';

const SSN_WORDS = ['ssn', 'social security', 'social_security', 'socialsecurity'];
const BSN_WORDS = ['bsn', 'burgerservicenummer', 'sofinummer', 'sofi-nummer'];
const AADHAAR_WORDS = ['aadhaar', 'aadhar', 'uidai'];
const VOIDED_SSNS = new Set(['078051120', '219099999']);

export function ssnValid(digits: string): boolean {
  if (digits.length !== 9 || VOIDED_SSNS.has(digits)) return false;
  const area = digits.slice(0, 3);
  return area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000';
}

function shape(run: readonly DigitGroup[]): string {
  return run.map(groupLength).join('-');
}

function detectNumeric(input: TextInput, found: Candidate[]): void {
  const { text } = input;
  for (const run of separatedRuns(text, input.groups, ' -')) {
    const start = run[0]!.start;
    const end = run[run.length - 1]!.end;
    const form = shape(run);
    if (!['3-2-4', '9', '4-4-4', '12'].includes(form) || !isStandalone(text, start, end)) continue;
    const digits = digitsOf(text, run);
    if (form === '3-2-4' || form === '9') {
      const bare = form === '9';
      if (ssnValid(digits) && (!bare || hasContext(input, start, SSN_WORDS))) {
        found.push({ kind: 'national_id', start, end, detail: 'us_ssn' });
      } else if (bare && elevenProofValid(digits) && hasContext(input, start, BSN_WORDS)) {
        found.push({ kind: 'national_id', start, end, detail: 'nl_bsn' });
      }
      continue;
    }
    const aadhaarShaped = digits.charCodeAt(0) >= 50 && verhoeffValid(digits);
    if (aadhaarShaped && (form === '4-4-4' || hasContext(input, start, AADHAAR_WORDS))) {
      found.push({ kind: 'national_id', start, end, detail: 'in_aadhaar' });
    }
  }
}

const NINO = /(?<![\p{L}\p{N}_])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\p{L}\p{N}_])/gu;
const NINO_UNALLOCATED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

function detectNino(input: TextInput, found: Candidate[]): void {
  const pattern = new RegExp(NINO.source, NINO.flags);
  for (let match = pattern.exec(input.text); match !== null; match = pattern.exec(input.text)) {
    if (NINO_UNALLOCATED.has(match[1]!)) continue;
    found.push({ kind: 'national_id', start: match.index, end: match.index + match[0].length, detail: 'uk_nino' });
  }
}

export function detectNationalIds(input: TextInput): Candidate[] {
  const found: Candidate[] = [];
  detectNumeric(input, found);
  detectNino(input, found);
  return found;
}
