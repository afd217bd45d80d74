/**
 * IBANs (ISO 13616): country code, two check digits 02-98, and a BBAN of the country's length,
 * written compactly (`DE89370400440532013000`) or in groups of four separated by single spaces
 * (`DE89 3704 0044 0532 0130 00`). Reported only when the length matches the country table and
 * the mod-97 check gives 1. Upper case only, as the standard's print form is.
 */
import { ibanMod97 } from './checksums.js';
import { IBAN_LENGTHS } from './iban-lengths.js';
import { isWordChar, type TextInput } from './text.js';
import type { Candidate } from './types.js';

/** Anchors only; the rest is read by hand over a bounded number of characters. */
const IBAN_START = /(?<![\p{L}\p{N}_])[A-Z]{2}\d{2}/gu;

function isIbanChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

/** Reads the BBAN after the check digits; returns [compact BBAN, end offset] or undefined. */
function readBban(text: string, from: number, length: number): [string, number] | undefined {
  let bban = '';
  let index = from;
  if (text.charAt(index) !== ' ') {
    while (bban.length < length && isIbanChar(text.charCodeAt(index))) bban += text.charAt(index++);
    return bban.length === length ? [bban, index] : undefined;
  }
  while (bban.length < length) {
    if (text.charAt(index) !== ' ') return undefined;
    index += 1;
    const want = Math.min(4, length - bban.length);
    for (let taken = 0; taken < want; taken += 1) {
      if (!isIbanChar(text.charCodeAt(index))) return undefined;
      bban += text.charAt(index++);
    }
  }
  return [bban, index];
}

export function detectIbans(input: TextInput): Candidate[] {
  const { text } = input;
  const found: Candidate[] = [];
  const anchors = new RegExp(IBAN_START.source, IBAN_START.flags);
  for (let match = anchors.exec(text); match !== null; match = anchors.exec(text)) {
    const head = match[0];
    const country = head.slice(0, 2);
    const length = IBAN_LENGTHS[country];
    const check = Number(head.slice(2));
    if (length === undefined || check < 2 || check > 98) continue;
    const read = readBban(text, match.index + 4, length - 4);
    if (read === undefined || isWordChar(text, read[1])) continue;
    if (ibanMod97(head + read[0]) !== 1) continue;
    found.push({ kind: 'iban', start: match.index, end: read[1], detail: country });
    anchors.lastIndex = read[1];
  }
  return found;
}
