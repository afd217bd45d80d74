import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { detectPii, PII_KINDS, redactPii, type PiiKind } from '../../src/security/pii/index.js';
import { fake, ibanCheckDigits, luhnCheckDigit } from './pii-helpers.js';

const RUNS = 300;
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const upperAlnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
/** BBANs are mostly digits (bank and account numbers), some with letters (bank codes). */
const bbanChar = fc.oneof({ arbitrary: fc.constantFrom(...'0123456789'), weight: 4 }, { arbitrary: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), weight: 1 });

/** Surroundings that do not glue onto what they surround. */
const before = fc.constantFrom('', 'card ', 'Pay with: ', 'see (', 'ref "', 'x\n', 'value=');
const after = fc.constantFrom('', ' thanks', '.', ')', '", ok', ', exp 12/29', '\nnext');
/** Text around a piece of PII: `wrap(value)` places it. */
const wraps = fc.tuple(before, after).map(([head, tail]) => (value: string) => `${head}${value}${tail}`);

/** Issuer prefix and length pairs for generated cards. */
const ISSUERS: ReadonlyArray<[prefix: string, length: number]> = [
  ['4', 16], ['4', 13], ['4', 19], ['51', 16], ['55', 16], ['2221', 16], ['2720', 16], ['34', 15], ['37', 15],
  ['36', 14], ['6011', 16], ['65', 16], ['3528', 16], ['62', 17], ['62', 19], ['50', 18],
];
const GROUPINGS: Readonly<Record<number, readonly number[]>> = { 13: [4, 4, 4, 1], 14: [4, 6, 4], 15: [4, 6, 5], 16: [4, 4, 4, 4], 19: [4, 4, 4, 4, 3] };

function format(pan: string, separator: string): string {
  const grouping = GROUPINGS[pan.length];
  if (separator === '' || grouping === undefined) return pan;
  const groups: string[] = [];
  let at = 0;
  for (const size of grouping) groups.push(pan.slice(at, (at += size)));
  return groups.join(separator);
}

/** [Luhn-valid PAN, the same PAN with a wrong check digit], formatted alike. */
const cards = fc
  .tuple(fc.constantFrom(...ISSUERS), digits(18, 18), fc.integer({ min: 1, max: 9 }), fc.constantFrom('', ' ', '-'))
  .map(([[prefix, length], random, shift, separator]) => {
    const body = (prefix + random).slice(0, length - 1);
    const check = luhnCheckDigit(body);
    const wrong = String((Number(check) + shift) % 10);
    return { valid: format(body + check, separator), invalid: format(body + wrong, separator) };
  });

const IBAN_COUNTRIES: ReadonlyArray<[country: string, length: number]> = [
  ['DE', 22], ['GB', 22], ['FR', 27], ['NL', 18], ['NO', 15], ['BE', 16], ['CH', 21], ['MT', 31], ['LC', 32], ['RU', 33], ['ES', 24], ['IT', 27],
];
const groupsOfFour = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

/** [valid IBAN, the same with other check digits], compact or grouped. */
const ibans = fc
  .tuple(fc.constantFrom(...IBAN_COUNTRIES), fc.array(bbanChar, { minLength: 30, maxLength: 30 }), fc.integer({ min: 1, max: 95 }), fc.boolean())
  .map(([[country, length], chars, shift, grouped]) => {
    const bban = chars.join('').slice(0, length - 4);
    const check = ibanCheckDigits(country, bban);
    const other = String(((Number(check) - 2 + shift) % 97) + 2).padStart(2, '0'); // another value in 02..98
    const show = grouped ? groupsOfFour : (iban: string) => iban;
    return { valid: show(`${country}${check}${bban}`), invalid: show(`${country}${other}${bban}`) };
  });

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const emails = fc
  .tuple(fc.stringMatching(/^[a-z0-9_](?:[a-z0-9_+-]{0,8}(?:\.[a-z0-9_+-]{1,8})?)?$/), fc.array(label, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[a-z]{2,8}$/))
  .map(([local, labels, tld]) => `${local}@${labels.join('.')}.${tld}`);
const ssns = fc
  .tuple(fc.integer({ min: 1, max: 899 }).filter((area) => area !== 666), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .map(([area, group, serial]) => `${String(area).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`);
const awsKeys = fc.array(upperAlnum, { minLength: 16, maxLength: 16 }).map((chars) => fake('AKIA', chars.join('')));
const phones = fc
  .tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 200, max: 999 }), digits(3, 3), digits(4, 4))
  .map(([country, area, exchange, line]) => `+${country} ${area} ${exchange} ${line}`);

function kindsIn(text: string): PiiKind[] {
  return detectPii(text).map((finding) => finding.kind);
}

/** The kinds found in `text`, after checking the redaction no longer contains `value`. */
function redactedKinds(text: string, value: string): PiiKind[] {
  const { value: redacted, findings } = redactPii(text);
  assert.equal(typeof redacted, 'string');
  assert.ok(!(redacted as string).includes(value), `${JSON.stringify(value)} survived in ${JSON.stringify(redacted)}`);
  return findings.map((finding) => finding.kind);
}

/** JSON with PII strings mixed in, as event payloads look. */
const piiString = fc.oneof(emails, ssns, awsKeys, phones, cards.map((card) => card.valid), ibans.map((iban) => iban.valid));
const payloads = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), piiString, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), piiString), tie('value'), { maxKeys: 4 })),
})).value;

/** Redaction only ever replaces strings, numbers and keys: containers keep their sizes. */
function assertSameShape(copy: unknown, original: unknown): void {
  if (Array.isArray(original)) {
    assert.ok(Array.isArray(copy) && copy.length === original.length);
    original.forEach((item, index) => assertSameShape((copy as unknown[])[index], item));
  } else if (typeof original === 'object' && original !== null) {
    assert.ok(typeof copy === 'object' && copy !== null && !Array.isArray(copy));
    const keys = Object.keys(original);
    const copied = Object.keys(copy);
    assert.equal(copied.length, keys.length);
    keys.forEach((key, index) => assertSameShape((copy as Record<string, unknown>)[copied[index]!], (original as Record<string, unknown>)[key]));
  } else if (typeof original !== 'number' && typeof original !== 'string') {
    assert.equal(copy, original);
  }
}

describe('PII properties', () => {
  it('finds and redacts every Luhn-valid card; never reports a Luhn-invalid one as a card', () => {
    fc.assert(
      fc.property(cards, wraps, (card, wrap) => {
        assert.deepEqual(redactedKinds(wrap(card.valid), card.valid), ['payment_card']);
        assert.ok(!kindsIn(wrap(card.invalid)).includes('payment_card'), wrap(card.invalid));
      }),
      { numRuns: RUNS },
    );
  });

  it('finds and redacts every valid IBAN; never reports one with wrong check digits', () => {
    fc.assert(
      fc.property(ibans, wraps, (iban, wrap) => {
        assert.deepEqual(redactedKinds(wrap(iban.valid), iban.valid), ['iban']);
        assert.ok(!kindsIn(wrap(iban.invalid)).includes('iban'), wrap(iban.invalid));
      }),
      { numRuns: RUNS },
    );
  });

  it('redacts generated e-mails, SSNs, AWS keys and phone numbers out of the text', () => {
    const cases: Array<[fc.Arbitrary<string>, PiiKind]> = [[emails, 'email'], [ssns, 'national_id'], [awsKeys, 'secret'], [phones, 'phone']];
    for (const [values, kind] of cases) {
      fc.assert(
        fc.property(values, wraps, (value, wrap) => assert.deepEqual(redactedKinds(wrap(value), value), [kind])),
        { numRuns: RUNS },
      );
    }
  });

  it('never throws on, never mutates, and deterministically scans arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), payloads), (value) => {
        const before = JSON.stringify(value);
        const first = detectPii(value);
        const { value: redacted, findings } = redactPii(value);
        assert.equal(JSON.stringify(value), before);
        assert.deepEqual(detectPii(value), first);
        assert.deepEqual(findings, first);
        assertSameShape(redacted, value);
      }),
      { numRuns: RUNS },
    );
  });

  it('a kinds filter only filters: it never changes what a kind finds', () => {
    fc.assert(
      fc.property(payloads, fc.subarray([...PII_KINDS], { minLength: 1 }), (value, kinds) => {
        const all = detectPii(value).filter((finding) => kinds.includes(finding.kind));
        assert.deepEqual(detectPii(value, { kinds }), all);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves no generated PII behind in redacted payloads', () => {
    fc.assert(
      fc.property(payloads, (value) => {
        const { value: redacted } = redactPii(value);
        assert.deepEqual(detectPii(redacted), []);
      }),
      { numRuns: RUNS },
    );
  });
});
