/**
 * E-mail addresses, the practical subset of RFC 5322: `local@domain.tld` with an unquoted local
 * part of letters, digits and `._%+-`, and a DNS domain of at least two labels whose last label
 * is a real-looking TLD (letters only, or `xn--` punycode). Letters of any script count, so
 * internationalised addresses (`josé@bücher.de`) are found too. `a@b`, `user@localhost`,
 * `pkg@1.2.3` and IP-literal domains are not reported.
 *
 * Linear: the scan starts only at '@' and neither the local part nor the domain can contain
 * '@', so the characters looked at around one '@' are never looked at for a third one.
 */
import type { TextInput } from './text.js';
import type { Candidate } from './types.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

const NON_ASCII_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** ASCII letters and digits, and (for internationalised addresses, RFC 6531) any other script's. */
function isAlnumAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code >= 128) return NON_ASCII_LETTER_OR_DIGIT.test(text.charAt(index));
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isLocalChar(text: string, index: number): boolean {
  return isAlnumAt(text, index) || '._%+-'.includes(text.charAt(index) || '@');
}

function isDomainChar(text: string, index: number): boolean {
  return isAlnumAt(text, index) || text.charAt(index) === '-' || text.charAt(index) === '.';
}

/** Start of the local part ending at `at`, or -1 when there is no valid one. */
function localStart(text: string, at: number): number {
  let start = at;
  while (start > 0 && isLocalChar(text, start - 1)) start -= 1;
  // Punctuation that opened the run ("--john", ".john") is prose, not part of the address.
  while (start < at && !isAlnumAt(text, start) && text.charAt(start) !== '_') start += 1;
  const local = text.slice(start, at);
  if (local.length === 0 || local.length > MAX_LOCAL || local.endsWith('.') || local.includes('..')) return -1;
  return start;
}

function isTld(label: string): boolean {
  return /^xn--[a-z0-9-]+$/i.test(label) || /^\p{L}{2,}$/u.test(label);
}

function isLabel(label: string): boolean {
  return label.length > 0 && label.length <= MAX_LABEL && !label.startsWith('-') && !label.endsWith('-');
}

/** End of the domain starting at `from`, or -1 when there is no valid one. */
function domainEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && end - from <= MAX_DOMAIN && isDomainChar(text, end)) end += 1;
  const labels = text.slice(from, end).split('.');
  // Keep the labels up to the first invalid one, then the longest prefix ending in a TLD.
  let valid = 0;
  let length = -1; // of the valid labels joined with dots
  let best = -1;
  while (valid < labels.length && isLabel(labels[valid]!)) {
    length += labels[valid]!.length + 1;
    valid += 1;
    if (valid >= 2 && isTld(labels[valid - 1]!)) best = length;
  }
  return best !== -1 && best <= MAX_DOMAIN ? from + best : -1;
}

export function detectEmails(input: TextInput): Candidate[] {
  const { text } = input;
  const found: Candidate[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    const start = localStart(text, at);
    const end = start === -1 ? -1 : domainEnd(text, at + 1);
    if (start !== -1 && end !== -1) found.push({ kind: 'email', start, end });
    at = text.indexOf('@', at + 1);
  }
  return found;
}
