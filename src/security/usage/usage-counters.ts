/**
 * Usage counters per user, kept in the StateStore (kind `usage`, partition = user id) so that
 * every instance counts into, and reads, the same numbers. What rate limits and budgets read.
 *
 * Writing: each `add` is one atomic increment per granularity (minute, hour, day, month; see
 * buckets.ts), four writes in parallel. They are not one transaction: if some fail, `add`
 * rejects after the others have landed, and calling it again counts those twice. The caller
 * (the processor) logs and moves on rather than retrying, so a failure undercounts at worst.
 *
 * Stored fields: `events`, `tokens`, and `costNanos`, the cost in nano-dollars (1e-9 USD) as an
 * integer. Adding floats in dollars drifts (ten adds of 0.1 make 0.9999999999999999); integers
 * add exactly on every store, SQLite and Cosmos `incr` included, up to 2^53 nano-dollars
 * (about nine million dollars) per bucket. A nano-dollar is fine enough that rounding each add
 * to it loses nothing a budget can see, even for a call of a few tokens.
 *
 * Reading: `snapshot` is ONE `getMany` of seven buckets. The per-minute, per-hour and per-day
 * event rates are sliding windows estimated with the sliding-window counter: the current
 * bucket plus the previous bucket weighted by how much of the previous window still lies inside
 * the sliding window ending now:
 *     rate = current + previous x (1 - (now - currentStart) / windowLength)
 * This assumes the previous window's events were spread evenly over it; it is exact at the
 * start of a bucket and never off by more than the previous bucket's count. Tokens and cost
 * today and this month are calendar totals (UTC), not sliding.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/errors.js';
import type { StateStore } from '../../kernel/ports/state.js';
import type { UsageDelta, UsageRecorder } from '../../kernel/ports/usage.js';
import { GRANULARITIES, bucketOf, previousBucketOf, type Bucket } from './buckets.js';

export const USAGE_KIND = 'usage';

const NANOS_PER_USD = 1e9;

/** What one user has used, as rates and totals at an instant. */
export interface UsageSnapshot {
  events_per_minute: number;
  events_per_hour: number;
  events_per_day: number;
  tokens_today: number;
  tokens_month: number;
  /** US dollars. */
  cost_today: number;
  cost_month: number;
}

const deltaSchema = z.strictObject({
  events: z.number().int().nonnegative().optional(),
  tokens: z.number().nonnegative().finite().optional(),
  costUsd: z.number().nonnegative().finite().optional(),
});

/** A bucket as stored; fields never added to are absent. */
const bucketSchema = z.looseObject({
  events: z.number().optional(),
  tokens: z.number().optional(),
  costNanos: z.number().optional(),
});
type Counts = z.infer<typeof bucketSchema>;

export class UsageCounters implements UsageRecorder {
  constructor(private readonly state: StateStore) {}

  /** Count `delta` at the instant `at` for `userId`. Zero fields are not written; an all-zero delta writes nothing. */
  async add(userId: string, at: Date, delta: UsageDelta): Promise<void> {
    const parsed = deltaSchema.safeParse(delta);
    if (!parsed.success) throw new KernelError('invalid_input', `invalid usage delta: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    const { events = 0, tokens = 0, costUsd = 0 } = parsed.data;
    const fields: Record<string, number> = {};
    if (events > 0) fields.events = events;
    if (tokens > 0) fields.tokens = tokens;
    const costNanos = Math.round(costUsd * NANOS_PER_USD);
    if (costNanos > 0) fields.costNanos = costNanos;
    // Buckets first: a bad `at` is refused even when there is nothing to count.
    const buckets = GRANULARITIES.map((granularity) => bucketOf(granularity, at));
    if (Object.keys(fields).length === 0) return;
    // allSettled: the call settles only when every write has, so a retry never overlaps them.
    const results = await Promise.allSettled(
      buckets.map((bucket) => this.state.increment(userId, USAGE_KIND, bucket.key, fields, { expiresAt: bucket.expiresAt })),
    );
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** The user's usage as of `now` (see the module comment for how rates are estimated). */
  async snapshot(userId: string, now: Date): Promise<UsageSnapshot> {
    const minute = bucketOf('minute', now);
    const hour = bucketOf('hour', now);
    const day = bucketOf('day', now);
    const month = bucketOf('month', now);
    const previous = { minute: previousBucketOf('minute', now), hour: previousBucketOf('hour', now), day: previousBucketOf('day', now) };
    const keys = [minute, previous.minute, hour, previous.hour, day, previous.day, month].map((bucket) => bucket.key);
    const items = await this.state.getMany(userId, USAGE_KIND, keys);
    const counts = new Map(items.map((item) => [item.key, parseCounts(item.key, item.value)]));
    const of = (bucket: Bucket): Counts => counts.get(bucket.key) ?? {};
    const sliding = (current: Bucket, before: Bucket): number => {
      const length = current.end.getTime() - current.start.getTime();
      const weight = 1 - (now.getTime() - current.start.getTime()) / length;
      return (of(current).events ?? 0) + (of(before).events ?? 0) * weight;
    };
    return {
      events_per_minute: sliding(minute, previous.minute),
      events_per_hour: sliding(hour, previous.hour),
      events_per_day: sliding(day, previous.day),
      tokens_today: of(day).tokens ?? 0,
      tokens_month: of(month).tokens ?? 0,
      cost_today: (of(day).costNanos ?? 0) / NANOS_PER_USD,
      cost_month: (of(month).costNanos ?? 0) / NANOS_PER_USD,
    };
  }
}

/** Store read is a boundary: a bucket that is not counts is corruption. */
function parseCounts(key: string, value: unknown): Counts {
  const parsed = bucketSchema.safeParse(value);
  if (!parsed.success) throw new KernelError('internal', `usage bucket ${key} does not hold counts`, { cause: parsed.error });
  return parsed.data;
}
