/**
 * The audit chain's RFC 8785 serializer, checked against the `canonicalize` package (a general
 * RFC 8785 implementation) on generated JSON values, and on what RFC 8785 refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { CanonicalJsonError, canonicalJson, isSealed, sealCanonical } from '../../src/kernel/canonical-json.js';

/** JSON values with any Unicode text (escapes, astral characters, look-alike keys), numbers of every size. */
const jsonValue = fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' });
/** Any UTF-16 code units, lone surrogates included, as values and as member names. */
const codeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) });

/** The text, or that it was refused: the two must agree on both. */
function outcome(write: () => string | undefined): string {
  try {
    return `text ${write()}`;
  } catch {
    return 'refused';
  }
}

describe('canonicalJson', () => {
  it('writes exactly what the canonicalize package writes, for any JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        assert.equal(canonicalJson(value), canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the canonicalize package on text with lone surrogates: both refuse it', () => {
    fc.assert(
      fc.property(codeUnits, codeUnits, (key, text) => {
        const value = { [key]: [text] };
        assert.equal(outcome(() => canonicalJson(value)), outcome(() => canonicalize(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts members by UTF-16 code units at every level and leaves undefined members out', () => {
    const value = { b: 1, a: { d: [3, { z: null, y: true }], c: 'x' }, '\u{1F600}': 1, '\uFB33': 2, é: 3, A: undefined };
    assert.equal(canonicalJson(value), '{"a":{"c":"x","d":[3,{"y":true,"z":null}]},"b":1,"é":3,"\u{1F600}":1,"\uFB33":2}');
    assert.equal(canonicalJson(value), canonicalize(value));
  });

  it('writes numbers the ECMAScript way, as RFC 8785 requires', () => {
    // eslint-disable-next-line no-loss-of-precision -- RFC 8785's own example: the literal rounds, and the output must show how
    assert.equal(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 333333333.33333329, 5e-324]), '[1e+21,1e-7,0,0.30000000000000004,333333333.3333333,5e-324]');
  });

  it('escapes control characters, quotes and backslashes, and keeps paired surrogates', () => {
    const text = 'tab\t nl\n quote" back\\ bell\u0007 emoji \u{1F600} line\u2028';
    assert.equal(canonicalJson(text), JSON.stringify(text));
    assert.equal(canonicalJson({ [text]: text }), canonicalize({ [text]: text }));
  });

  it('refuses lone surrogates, NaN, infinities, toJSON objects and runaway nesting', () => {
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 100; i += 1) cursor.push((cursor = []));
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    for (const bad of ['x\uD800', { ['\uDC00']: 1 }, [Number.NaN], { n: Number.POSITIVE_INFINITY }, { at: new Date(0) }, deep, circular]) {
      assert.throws(() => canonicalJson(bad), CanonicalJsonError, `should refuse ${typeof bad}`);
    }
  });

  it('tells an escaped backslash followed by "ud" from a lone surrogate', () => {
    assert.equal(canonicalJson('\\ud800'), '"\\\\ud800"');
  });
});

describe('sealCanonical', () => {
  it('writes a document holding a sealed value exactly as it writes one holding an unsealed copy', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, (inner, outer) => {
        const shared = { inner, list: [inner] };
        const copy = structuredClone(shared);
        sealCanonical(shared);
        assert.ok(isSealed(shared));
        assert.equal(canonicalJson({ outer, shared, again: [shared] }), canonicalJson({ outer, shared: copy, again: [copy] }));
      }),
      { numRuns: 1000 },
    );
  });

  it('deep-freezes what it seals, so the kept text cannot go stale', () => {
    const value = { a: { b: [1, { c: 'x' }] } };
    sealCanonical(value);
    assert.ok(Object.isFrozen(value) && Object.isFrozen(value.a) && Object.isFrozen(value.a.b) && Object.isFrozen(value.a.b[1]));
    assert.throws(() => {
      (value.a.b[1] as { c: string }).c = 'y';
    }, TypeError);
    assert.equal(canonicalJson(value), '{"a":{"b":[1,{"c":"x"}]}}');
  });

  it('refuses what canonicalJson refuses, and seals nothing then', () => {
    const value = { text: 'lone \uD800' };
    assert.throws(() => sealCanonical(value), CanonicalJsonError);
    assert.equal(isSealed(value), false);
    assert.equal(Object.isFrozen(value), false);
  });
});
