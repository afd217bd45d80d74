/** The UTC buckets usage is counted in: keys, windows and retention, across every kind of boundary. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError } from '../../src/kernel/index.js';
import { bucketOf, previousBucketOf } from '../../src/security/usage/index.js';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();

describe('usage buckets', () => {
  it('names and bounds the minute, hour, day and month holding an instant', () => {
    const instant = at('2026-11-24T22:57:42.123Z');
    const minute = bucketOf('minute', instant);
    assert.deepEqual([minute.key, iso(minute.start), iso(minute.end), iso(minute.expiresAt)], ['m:2026-11-24T22:57', '2026-11-24T22:57:00.000Z', '2026-11-24T22:58:00.000Z', '2026-11-25T00:58:00.000Z']);
    const hour = bucketOf('hour', instant);
    assert.deepEqual([hour.key, iso(hour.start), iso(hour.end), iso(hour.expiresAt)], ['h:2026-11-24T22', '2026-11-24T22:00:00.000Z', '2026-11-24T23:00:00.000Z', '2026-11-26T23:00:00.000Z']);
    const day = bucketOf('day', instant);
    assert.deepEqual([day.key, iso(day.start), iso(day.end), iso(day.expiresAt)], ['d:2026-11-24', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', '2027-01-04T00:00:00.000Z']);
    const month = bucketOf('month', instant);
    assert.deepEqual([month.key, iso(month.start), iso(month.end), iso(month.expiresAt)], ['mo:2026-11', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', '2028-01-05T00:00:00.000Z']);
  });

  it('puts a boundary instant in the bucket it starts, and the instant before in the previous one', () => {
    assert.equal(bucketOf('minute', at('2026-12-31T23:59:59.999Z')).key, 'm:2026-12-31T23:59');
    assert.equal(bucketOf('minute', at('2027-01-01T00:00:00.000Z')).key, 'm:2027-01-01T00:00');
    assert.equal(bucketOf('hour', at('2027-01-01T00:00:00.000Z')).key, 'h:2027-01-01T00');
    assert.equal(bucketOf('day', at('2026-12-31T23:59:59.999Z')).key, 'd:2026-12-31');
    assert.equal(bucketOf('month', at('2026-12-31T23:59:59.999Z')).key, 'mo:2026-12');
    assert.equal(bucketOf('month', at('2027-01-01T00:00:00.000Z')).key, 'mo:2027-01');
    const newYear = at('2027-01-01T00:00:30.000Z');
    assert.deepEqual(
      (['minute', 'hour', 'day', 'month'] as const).map((granularity) => previousBucketOf(granularity, newYear).key),
      ['m:2026-12-31T23:59', 'h:2026-12-31T23', 'd:2026-12-31', 'mo:2026-12'],
    );
  });

  it('knows months are of different lengths (February of a leap year)', () => {
    const february = bucketOf('month', at('2028-02-29T12:00:00.000Z'));
    assert.equal(february.key, 'mo:2028-02');
    assert.equal(february.end.getTime() - february.start.getTime(), 29 * 24 * 3600_000);
    assert.equal(previousBucketOf('month', at('2028-03-01T00:00:00.000Z')).key, 'mo:2028-02');
  });

  it('refuses instants it cannot name', () => {
    for (const bad of [new Date(Number.NaN), new Date(-1), new Date('+010000-01-01T00:00:00.000Z')]) {
      assert.throws(() => bucketOf('minute', bad), (error) => isKernelError(error, 'invalid_input'));
    }
  });
});
