import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { PiiVerdictCache, redactPii } from '../../src/security/pii/index.js';
import { fake } from './pii-helpers.js';

const strings = fc.oneof(
  fc.constantFrom(fake('sam.carter', '@', 'example.com'), '+44 20 7946 0018', fake('4111', ' 1111 1111 ', '1111'), 'hunter2hunter2', 'Weekly newsletter', '2026-03-02T09:30:00.000Z'),
  fc.string({ maxLength: 30 }),
);
const keys = fc.constantFrom('body', 'from', 'password', 'ssn', 'note', 'api_key', 'token');
/** Payloads that repeat their strings under different property names, as traffic does. */
const payloads = fc.array(fc.tuple(keys, fc.oneof(strings, fc.array(strings, { maxLength: 3 }))), { maxLength: 6 }).map((members) => Object.fromEntries(members));

describe('PII verdicts kept per user', () => {
  it('redact exactly as a scan without them, for any payload, scanned again and again under any scope', () => {
    const cache = new PiiVerdictCache({ maxChars: 2_000 }); // small: it starts over often during the run
    fc.assert(
      fc.property(fc.array(payloads, { minLength: 1, maxLength: 4 }), fc.constantFrom('alice', 'bob'), (batch, scope) => {
        for (const payload of [...batch, ...batch]) {
          assert.deepEqual(redactPii(payload, undefined, { cache, scope }), redactPii(payload));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tell values apart by the property they stand under (a credential-named one is a secret)', () => {
    const cache = new PiiVerdictCache();
    const verdicts = { cache, scope: 'alice' };
    assert.deepEqual(redactPii({ note: 'correct-horse-battery' }, undefined, verdicts).findings, []);
    assert.deepEqual(redactPii({ password: 'correct-horse-battery' }, undefined, verdicts).findings.map((finding) => finding.kind), ['secret']);
    assert.deepEqual(redactPii({ note: 'correct-horse-battery' }, undefined, verdicts).findings, []);
  });

  it('are kept apart per user, bounded by the characters held, and not kept for long strings', () => {
    const cache = new PiiVerdictCache({ maxChars: 200 });
    const email = fake('ann', '@', 'example.com');
    redactPii({ from: email }, undefined, { cache, scope: 'alice' });
    const one = cache.chars;
    assert.ok(one > email.length);
    redactPii({ from: email }, undefined, { cache, scope: 'alice' });
    assert.equal(cache.chars, one, 'the same string again is answered from the cache');
    redactPii({ from: email }, undefined, { cache, scope: 'carol' });
    assert.equal(cache.chars, 2 * one, "another user's scan of the same string is not answered from alice's");
    for (let index = 0; index < 20; index += 1) redactPii({ from: `${email} ${index}` }, undefined, { cache, scope: 'alice' });
    assert.ok(cache.chars <= 200, `held ${cache.chars} characters`);
    const before = cache.chars;
    const long = `${email} ${'x'.repeat(5000)}`;
    assert.deepEqual(redactPii({ body: long }, undefined, { cache, scope: 'alice' }).findings.map((finding) => finding.kind), ['email']);
    assert.equal(cache.chars, before, 'a string over 4,096 characters is scanned, not kept');
  });
});
