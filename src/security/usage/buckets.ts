/**
 * The time buckets usage is counted in: calendar minutes, hours, days and months, all UTC.
 * A bucket's key names its window (`m:2026-11-24T22:57`, `h:2026-11-24T22`, `d:2026-11-24`,
 * `mo:2026-11`), so every instance that counts the same instant writes the same item, and a
 * reader can name the buckets it wants without listing.
 */
import { KernelError } from '../../kernel/index.js';

export type Granularity = 'minute' | 'hour' | 'day' | 'month';

export const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day', 'month'];

export interface Bucket {
  key: string;
  /** First instant in the window. */
  start: Date;
  /** First instant after it (the next bucket's start). */
  end: Date;
  /** When the counter may be removed: `end` plus the retention of its granularity. */
  expiresAt: Date;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long a finished bucket is kept. A snapshot only needs the current and the previous
 * minute, hour and day, and the current month; the rest is slack for late writers and clock
 * skew between instances, and lets an operator look back a little (40 days of daily totals,
 * a year and a month of monthly ones).
 */
const RETENTION_MS: Readonly<Record<Granularity, number>> = {
  minute: 2 * HOUR_MS,
  hour: 2 * DAY_MS,
  day: 40 * DAY_MS,
  month: 400 * DAY_MS,
};

/** The bucket of `granularity` that holds `at`. */
export function bucketOf(granularity: Granularity, at: Date): Bucket {
  const ms = checkInstant(at);
  const iso = new Date(ms).toISOString();
  let start: number;
  let end: number;
  let key: string;
  switch (granularity) {
    case 'minute':
      start = ms - (ms % MINUTE_MS);
      end = start + MINUTE_MS;
      key = `m:${iso.slice(0, 16)}`;
      break;
    case 'hour':
      start = ms - (ms % HOUR_MS);
      end = start + HOUR_MS;
      key = `h:${iso.slice(0, 13)}`;
      break;
    case 'day':
      // Unix time has no leap seconds: every UTC day is exactly DAY_MS long.
      start = ms - (ms % DAY_MS);
      end = start + DAY_MS;
      key = `d:${iso.slice(0, 10)}`;
      break;
    case 'month': {
      const date = new Date(ms);
      start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
      end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      key = `mo:${iso.slice(0, 7)}`;
      break;
    }
  }
  return { key, start: new Date(start), end: new Date(end), expiresAt: new Date(end + RETENTION_MS[granularity]) };
}

/** Every bucket one instant needs: where to count it, and what a snapshot at it reads. */
export interface InstantBuckets {
  current: Readonly<Record<Granularity, Bucket>>;
  previous: Readonly<Record<Exclude<Granularity, 'month'>, Bucket>>;
}

/**
 * The buckets of instants within one calendar minute are the same: computed once per minute
 * instead of eleven date formats per event.
 */
export class BucketMemo {
  #cached: InstantBuckets | undefined;

  at(instant: Date): InstantBuckets {
    const ms = checkInstant(instant);
    const cached = this.#cached;
    if (cached && ms >= cached.current.minute.start.getTime() && ms < cached.current.minute.end.getTime()) return cached;
    const current = { minute: bucketOf('minute', instant), hour: bucketOf('hour', instant), day: bucketOf('day', instant), month: bucketOf('month', instant) };
    const previous = { minute: previousBucketOf('minute', instant), hour: previousBucketOf('hour', instant), day: previousBucketOf('day', instant) };
    this.#cached = { current, previous };
    return this.#cached;
  }
}

/** The bucket just before the one holding `at`. */
export function previousBucketOf(granularity: Granularity, at: Date): Bucket {
  return bucketOf(granularity, new Date(bucketOf(granularity, at).start.getTime() - 1));
}

/** Instants from 1970 to 9999: the keys assume a four-digit year and no negative timestamps. */
function checkInstant(at: Date): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || new Date(ms).getUTCFullYear() > 9999) {
    throw new KernelError('invalid_input', 'a usage instant must be a valid Date between 1970 and 9999');
  }
  return ms;
}
