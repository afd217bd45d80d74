import { detectPii, type PiiKind } from '../../src/security/pii/index.js';

/** `kind:detail:matched text` for every finding in one string, in order. */
export function found(text: string, kinds?: readonly PiiKind[]): string[] {
  return detectPii(text, kinds === undefined ? undefined : { kinds }).map(
    (finding) => `${finding.kind}:${finding.detail ?? ''}:${text.slice(finding.start, finding.end)}`,
  );
}

/** Only the matched texts of one kind. */
export function matched(text: string, kind: PiiKind): string[] {
  return detectPii(text, { kinds: [kind] }).map((finding) => text.slice(finding.start, finding.end));
}

/** Luhn check digit for a PAN body (all digits but the last). */
export function luhnCheckDigit(body: string): string {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    let value = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) value = value * 2 > 9 ? value * 2 - 9 : value * 2;
    sum += value;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Check digits for an IBAN from its country and BBAN (ISO 13616: 98 - mod97(BBAN + CC + '00')). */
export function ibanCheckDigits(country: string, bban: string): string {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  return String(98 - remainder).padStart(2, '0');
}

/** Test secrets are assembled at run time so no scanner mistakes this file for a leak. */
export function fake(...parts: string[]): string {
  return parts.join('');
}
