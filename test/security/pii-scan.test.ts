import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError } from '../../src/kernel/errors.js';
import { containsPii, detectPii, PII_KINDS, PII_SCAN_LIMITS, redactPii } from '../../src/security/pii/index.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { inner: value };
  return value;
}

const isInvalidInput = (error: unknown): boolean => isKernelError(error, 'invalid_input');

describe('detectPii over JSON values', () => {
  const payload = {
    user: { name: 'Alice', email: 'alice@example.com', phones: ['+44 20 7946 0958', 'n/a'] },
    'a/b~c': 'card 4111 1111 1111 1111',
    'bob@example.com': true,
    amount: 1299.99,
    card: 4111111111111111,
    createdAt: 1700000000000,
    ssn: 123456789,
    password: 'hunter22',
    tags: ['x', null, 3],
  };

  it('reports every finding by RFC 6901 pointer, in document order, keys included', () => {
    assert.deepEqual(detectPii(payload), [
      { kind: 'email', pointer: '/user/email', start: 0, end: 17 },
      { kind: 'phone', pointer: '/user/phones/0', start: 0, end: 16, detail: 'e164' },
      { kind: 'payment_card', pointer: '/a~1b~0c', start: 5, end: 24, detail: 'visa' },
      { kind: 'email', pointer: '/bob@example.com', start: 0, end: 15, inKey: true },
      { kind: 'payment_card', pointer: '/card', start: 0, end: 16, detail: 'visa' },
      { kind: 'national_id', pointer: '/ssn', start: 0, end: 9, detail: 'us_ssn' },
      { kind: 'secret', pointer: '/password', start: 0, end: 8, detail: 'credential_field' },
    ]);
  });

  it('filters by kind without changing what each kind finds, and stops at maxFindings', () => {
    const all = detectPii(payload);
    for (const kind of PII_KINDS) {
      assert.deepEqual(detectPii(payload, { kinds: [kind] }), all.filter((finding) => finding.kind === kind), kind);
    }
    assert.deepEqual(detectPii(payload, { maxFindings: 2 }), all.slice(0, 2));
    assert.equal(containsPii(payload), true);
    assert.equal(containsPii(payload, { kinds: ['iban'] }), false);
    assert.equal(containsPii({ note: 'nothing here', at: '2024-01-15', n: 123456789 }), false);
  });

  it('scans a bare string or number at the root (pointer "")', () => {
    assert.deepEqual(detectPii('mail bob@example.com'), [{ kind: 'email', pointer: '', start: 5, end: 20 }]);
    assert.deepEqual(detectPii(5555555555554444), [{ kind: 'payment_card', pointer: '', start: 0, end: 16, detail: 'mastercard' }]);
    assert.deepEqual(detectPii(null), []);
  });

  it('rejects bad options with invalid_input', () => {
    assert.throws(() => detectPii('x', { kinds: [] }), isInvalidInput);
    assert.throws(() => detectPii('x', { kinds: ['address' as never] }), isInvalidInput);
    assert.throws(() => detectPii('x', { maxFindings: 0 }), isInvalidInput);
  });
});

describe('redactPii', () => {
  it('returns a redacted deep copy and leaves the input alone', () => {
    const input = {
      text: 'Call +1 (555) 123-4567 or mail bob@example.com',
      'alice@example.com': { card: 4111111111111111, note: 'ok' },
      list: ['IBAN DE89 3704 0044 0532 0130 00', 42],
      password: 'hunter22',
    };
    const before = JSON.stringify(input);
    const { value, findings } = redactPii(input);
    assert.equal(JSON.stringify(input), before);
    assert.deepEqual(value, {
      text: 'Call [REDACTED:phone] or mail [REDACTED:email]',
      '[REDACTED:email]': { card: '[REDACTED:payment_card]', note: 'ok' },
      list: ['IBAN [REDACTED:iban]', 42],
      password: '[REDACTED:secret]',
    });
    assert.equal(findings.length, 6);
  });

  it('keeps colliding redacted keys apart and a "__proto__" key a plain member', () => {
    const input = JSON.parse('{"a@example.com":1,"b@example.com":2,"[REDACTED:email]":3,"__proto__":{"x":"bob@example.com"}}') as unknown;
    const { value } = redactPii(input);
    assert.deepEqual(Object.keys(value as object), ['[REDACTED:email]~2', '[REDACTED:email]~3', '[REDACTED:email]', '__proto__']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { x: '[REDACTED:email]' });
  });

  it('redacts everything even when maxFindings is given, and honours kinds', () => {
    const text = 'a@example.com b@example.com 4111 1111 1111 1111';
    assert.deepEqual(redactPii(text, { maxFindings: 1 }).value, '[REDACTED:email] [REDACTED:email] [REDACTED:payment_card]');
    assert.deepEqual(redactPii(text, { kinds: ['payment_card'] }).value, 'a@example.com b@example.com [REDACTED:payment_card]');
  });
});

describe('scan limits (fail closed)', () => {
  it(`accepts ${PII_SCAN_LIMITS.maxDepth} nested levels and refuses one more`, () => {
    assert.deepEqual(detectPii(nested(PII_SCAN_LIMITS.maxDepth)), []);
    assert.throws(() => detectPii(nested(PII_SCAN_LIMITS.maxDepth + 1)), isInvalidInput);
    assert.throws(() => redactPii(nested(PII_SCAN_LIMITS.maxDepth + 1)), isInvalidInput);
  });

  it('refuses more than 1 MiB of text in total, keys included, even when PII comes first', () => {
    const half = 'x'.repeat(PII_SCAN_LIMITS.maxTextBytes / 2);
    assert.deepEqual(detectPii([half, half.slice(1)]), []);
    assert.throws(() => containsPii(['bob@example.com', half, half]), isInvalidInput);
    assert.throws(() => detectPii({ [half]: `${half}x` }), isInvalidInput);
    // Bytes, not characters: 'é' is two bytes in UTF-8.
    assert.throws(() => detectPii('é'.repeat(PII_SCAN_LIMITS.maxTextBytes / 2 + 1)), isInvalidInput);
  });

  it('refuses cycles, class instances, functions and symbols instead of skipping them', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    for (const value of [cycle, { at: new Date(0) }, [new Map()], { f: () => 1 }, { s: Symbol('x') }, Buffer.from('x')]) {
      assert.throws(() => redactPii(value), isInvalidInput);
    }
  });

  it('accepts Object.create(null), undefined members and bigints', () => {
    const bare = Object.assign(Object.create(null) as object, { mail: 'bob@example.com', big: 4111111111111111n, gone: undefined });
    assert.deepEqual(redactPii(bare).value, { mail: '[REDACTED:email]', big: '[REDACTED:payment_card]', gone: undefined });
  });
});

describe('pathological input is scanned correctly (and in linear time)', () => {
  const SIZE = 200 * 1024;
  const cases: Array<[name: string, text: string, expected: number]> = [
    ['a@a.a.a... without a TLD', `a@${'a.'.repeat(SIZE / 2)}`, 0],
    ['repeated a@a.a.a.', 'a@a.a.a.'.repeat(SIZE / 8), 0],
    ['a run of @', '@'.repeat(SIZE), 0],
    ['a long local part', `${'a'.repeat(SIZE)}@example.com`, 0],
    ['one long digit run', '1'.repeat(SIZE), 0],
    ['+1 1 1 1 ...', `+1${' 1'.repeat(SIZE / 2)}`, 0],
    ['4111 4111 4111 ...', '4111 '.repeat(SIZE / 5), 0],
    ['1-1-1-...', '1-'.repeat(SIZE / 2), 0],
    ['password=% password=% ...', 'password=%'.repeat(SIZE / 10), 0],
    // Each quoted value closes at the next assignment's quote: every other one is a value.
    ['quotes closing on the next assignment', 'password="'.repeat(SIZE / 10), SIZE / 20],
    ['a quote that never closes', `password="${'ab'.repeat(SIZE / 2)}`, 1],
    ['eyJ runs', 'eyJa.'.repeat(SIZE / 5), 0],
    ['PEM headers without keys', '-----BEGIN '.repeat(SIZE / 11), 0],
    ['IBAN-like heads', 'DE89 '.repeat(SIZE / 5), 0],
    ['many real findings', 'mail bob@example.com or call 555-123-4567; '.repeat(SIZE / 43), 2 * Math.floor(SIZE / 43)],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const { value, findings } = redactPii(text);
      assert.equal(findings.length, expected);
      if (expected === 0) assert.equal(value, text);
      assert.equal(containsPii(text), expected > 0);
    });
  }
});

describe('redactPii shares what it does not change', () => {
  it('returns a value without findings as itself, and copies only the branches that held one', () => {
    const clean = { subject: 'Weekly newsletter', tags: ['a', 'b'], meta: { count: 3 } };
    assert.equal(redactPii(clean).value, clean);
    const mixed = { meta: { count: 3 }, people: [{ name: 'Ann' }, { mail: 'ann@example.com' }], note: 'hi' };
    const before = structuredClone(mixed);
    const redacted = redactPii(mixed).value as typeof mixed;
    assert.deepEqual(redacted, { meta: { count: 3 }, people: [{ name: 'Ann' }, { mail: '[REDACTED:email]' }], note: 'hi' });
    assert.deepEqual(mixed, before);
    assert.equal(redacted.meta, mixed.meta);
    assert.equal(redacted.people[0], mixed.people[0]);
    assert.notEqual(redacted.people, mixed.people);
  });
});
