import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { contentDigest } from '../../src/kernel/ids.js';

/** The digest as the kernel first wrote it: every digest stored since must still come out the same. */
function firstStableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(firstStableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstStableStringify(v)}`).join(',')}}`;
}
const firstDigest = (value: unknown): string => hash('sha256', firstStableStringify(value), 'base64url').slice(0, 43);

function outcome(compute: () => string): string {
  try {
    return compute();
  } catch (error) {
    return `threw ${(error as Error).name}`;
  }
}

describe('contentDigest', () => {
  it('is the digest it always was, for JSON and for what JavaScript adds (undefined, holes, dates, lone surrogates, big ints)', () => {
    const values = fc.oneof(
      fc.jsonValue(),
      fc.anything({ withSparseArray: true, withDate: true, withBigInt: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true }),
      fc.string({ unit: 'binary' }).map((text) => ({ [text]: text, z: [text, undefined] })),
    );
    fc.assert(
      fc.property(values, (value) => {
        assert.equal(outcome(() => contentDigest(value)), outcome(() => firstDigest(value)));
      }),
      { numRuns: 3000 },
    );
  });

  it('tells apart what differs and not what only is ordered differently', () => {
    assert.equal(contentDigest({ a: 1, b: [1, 2] }), contentDigest({ b: [1, 2], a: 1 }));
    assert.notEqual(contentDigest({ a: 1, b: [1, 2] }), contentDigest({ a: 1, b: [2, 1] }));
    assert.equal(contentDigest({ a: 1, b: undefined }), contentDigest({ a: 1 }));
  });
});
