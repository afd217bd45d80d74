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
import { KernelError, modelUsageSchema, type StateStore, type UsageDelta, type UsageRecorder, type UsageSnapshot } from '../../kernel/index.js';
import { BucketMemo, GRANULARITIES, type Bucket, type InstantBuckets } from './buckets.js';
import { MODEL_USAGE_KIND, modelUsageWrite, readModelUsage, type ModelUsageReport } from './model-usage.js';
import { PACK_USAGE_KIND, packUsageWrites, readPackSpend, type PackOfDriver } from './pack-usage.js';
import { PendingUsage, addInto, type Fields } from './pending-usage.js';

export const USAGE_KIND = 'usage';

const NANOS_PER_USD = 1e9;

export type { UsageSnapshot } from '../../kernel/index.js';

const deltaSchema = z.strictObject({
  events: z.number().int().nonnegative().optional(),
  tokens: z.number().nonnegative().finite().optional(),
  costUsd: z.number().nonnegative().finite().optional(),
  /** Per model as well (model-usage.ts): one more write per model and event. */
  models: z.array(modelUsageSchema).max(100).optional(),
  /** Who spent the cost (pack-usage.ts): one more write per pack involved. */
  spentBy: z.array(z.strictObject({ driver: z.string(), producer: z.string().optional(), costUsd: z.number().nonnegative().finite() })).max(100).optional(),
});

/** A bucket as stored; fields never added to are absent. */
const bucketSchema = z.looseObject({
  events: z.number().optional(),
  tokens: z.number().optional(),
  costNanos: z.number().optional(),
});
type Counts = z.infer<typeof bucketSchema>;

export interface UsageCountersOptions {
  /**
   * 0 (default): every `add` writes through. Above 0: counts are buffered and written every
   * `flushMs` (see pending-usage.ts for what that trades), and a snapshot re-reads the store at
   * most that often per user, adding what this instance counted since.
   */
  flushMs?: number;
  /** Told when a buffered write fails (the counts are kept and retried on the next flush). */
  onFlushError?: (error: unknown) => void;
  /** The skill pack a driver belongs to: spend is counted per pack as well (pack-usage.ts). */
  packOf?: PackOfDriver;
}

interface StoredCounts {
  minuteKey: string;
  loadedAt: number;
  counts: Map<string, Counts>;
}

export class UsageCounters implements UsageRecorder {
  readonly #flushMs: number;
  readonly #memo = new BucketMemo();
  readonly #pending = new PendingUsage();
  readonly #stored = new Map<string, StoredCounts>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly state: StateStore,
    private readonly options: UsageCountersOptions = {},
  ) {
    this.#flushMs = options.flushMs ?? 0;
  }

  /** Count `delta` at the instant `at` for `userId`. Zero fields are not written; an all-zero delta writes nothing. */
  async add(userId: string, at: Date, delta: UsageDelta): Promise<void> {
    const valid: z.output<typeof deltaSchema> = isEventCount(delta) ? delta : parseDelta(delta);
    const { events = 0, tokens = 0, costUsd = 0, models = [], spentBy } = valid;
    const fields: Record<string, number> = {};
    if (events > 0) fields.events = events;
    if (tokens > 0) fields.tokens = tokens;
    const costNanos = Math.round(costUsd * NANOS_PER_USD);
    if (costNanos > 0) fields.costNanos = costNanos;
    // Buckets first: a bad `at` is refused even when there is nothing to count.
    const writes: Array<{ kind: string; key: string; fields: Fields; expiresAt: Date }> = [];
    const { current } = this.#memo.at(at);
    if (Object.keys(fields).length > 0) {
      for (const granularity of GRANULARITIES) writes.push({ kind: USAGE_KIND, key: current[granularity].key, fields, expiresAt: current[granularity].expiresAt });
    }
    for (const usage of models) {
      const write = modelUsageWrite(at, usage);
      if (write) writes.push({ kind: MODEL_USAGE_KIND, ...write });
    }
    if (spentBy && this.options.packOf) for (const write of await packUsageWrites(at, spentBy, this.options.packOf)) writes.push({ kind: PACK_USAGE_KIND, ...write });
    if (writes.length === 0) return;
    if (this.#flushMs > 0) {
      for (const write of writes) this.#pending.add(userId, write.kind, write.key, write.fields, write.expiresAt);
      this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref();
      return;
    }
    // allSettled: the call settles only when every write has, so a retry never overlaps them.
    const results = await Promise.allSettled(writes.map((write) => this.state.increment(userId, write.kind, write.key, write.fields, { expiresAt: write.expiresAt })));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** The user's usage per model: today, this month, and each day of this month (UTC). */
  async modelUsage(userId: string, now: Date): Promise<ModelUsageReport> {
    return readModelUsage(this.state, this.#pending, userId, now);
  }

  /** What a skill pack spent for the user on the UTC day of `now`, in US dollars. */
  async packSpentToday(userId: string, pack: string, now: Date): Promise<number> {
    return readPackSpend(this.state, this.#pending, userId, pack, now);
  }

  /** Writes buffered counts now (also at shutdown). Failed writes stay buffered for the next flush. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#flushing) await this.#flushing;
    const drained = this.#pending.drain();
    if (drained.length === 0) return;
    this.#flushing = (async () => {
      const results = await Promise.allSettled(
        drained.map((item) => this.state.increment(item.userId, item.kind, item.key, item.fields, { expiresAt: item.expiresAt })),
      );
      for (const [index, result] of results.entries()) {
        const item = drained[index]!;
        if (result.status === 'fulfilled') {
          // Keep cached store counts in step, or a read would miss what just left the buffer.
          const counts = this.#stored.get(item.userId)?.counts;
          if (counts) counts.set(item.key, sum(counts.get(item.key) ?? {}, item.fields));
        } else {
          this.#pending.add(item.userId, item.kind, item.key, item.fields, item.expiresAt);
          this.options.onFlushError?.(result.reason);
        }
      }
      if (this.#pending.size > 0) this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs).unref();
    })();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /**
   * The user's usage as of `now` (see the module comment for how rates are estimated). Returned
   * as it is, not in a promise, when the stored counts are cached: this runs for every event
   * some policy reads usage for.
   */
  snapshot(userId: string, now: Date): UsageSnapshot | Promise<UsageSnapshot> {
    const buckets = this.#memo.at(now);
    const stored = this.#cachedCounts(userId, buckets.current.minute.key);
    if (stored !== undefined) return this.#snapshotOf(userId, now, stored, buckets);
    return this.#loadCounts(userId, buckets).then((counts) => this.#snapshotOf(userId, now, counts, buckets));
  }

  #snapshotOf(userId: string, now: Date, stored: Map<string, Counts>, { current, previous }: InstantBuckets): UsageSnapshot {
    const at = now.getTime();
    return {
      events_per_minute: this.#sliding(userId, stored, at, current.minute, previous.minute),
      events_per_hour: this.#sliding(userId, stored, at, current.hour, previous.hour),
      events_per_day: this.#sliding(userId, stored, at, current.day, previous.day),
      tokens_today: this.#count(userId, stored, current.day, 'tokens'),
      tokens_month: this.#count(userId, stored, current.month, 'tokens'),
      cost_today: this.#count(userId, stored, current.day, 'costNanos') / NANOS_PER_USD,
      cost_month: this.#count(userId, stored, current.month, 'costNanos') / NANOS_PER_USD,
    };
  }

  /** Stored plus pending, field by field: summing buckets into objects allocated more than the arithmetic cost. */
  #count(userId: string, stored: Map<string, Counts>, bucket: Bucket, field: 'events' | 'tokens' | 'costNanos'): number {
    return (stored.get(bucket.key)?.[field] ?? 0) + (this.#pending.of(userId, bucket.key)?.[field] ?? 0);
  }

  #sliding(userId: string, stored: Map<string, Counts>, at: number, current: Bucket, previous: Bucket): number {
    const start = current.start.getTime();
    const weight = 1 - (at - start) / (current.end.getTime() - start);
    return this.#count(userId, stored, current, 'events') + this.#count(userId, stored, previous, 'events') * weight;
  }

  /** The stored counts read less than `flushMs` ago in the same minute, if any. */
  #cachedCounts(userId: string, minuteKey: string): Map<string, Counts> | undefined {
    const cached = this.#stored.get(userId);
    if (cached && this.#flushMs > 0 && cached.minuteKey === minuteKey && performance.now() - cached.loadedAt < this.#flushMs) return cached.counts;
    return undefined;
  }

  /** One getMany of the seven buckets a snapshot reads, kept for `flushMs`. */
  async #loadCounts(userId: string, { current, previous }: InstantBuckets): Promise<Map<string, Counts>> {
    const keys = [current.minute, previous.minute, current.hour, previous.hour, current.day, previous.day, current.month].map((bucket) => bucket.key);
    const items = await this.state.getMany(userId, USAGE_KIND, keys);
    const counts = new Map(items.map((item) => [item.key, parseCounts(item.key, item.value)]));
    if (this.#flushMs > 0) {
      if (this.#stored.size >= MAX_CACHED_USERS) this.#stored.clear();
      this.#stored.set(userId, { minuteKey: current.minute.key, loadedAt: performance.now(), counts });
    }
    return counts;
  }
}

/** Users whose stored counts are cached; beyond that the cache starts over. */
const MAX_CACHED_USERS = 10_000;

function sum(a: Counts, b: Readonly<Record<string, number>>): Counts {
  const total: Record<string, number> = { ...a } as Record<string, number>;
  addInto(total, b);
  return total;
}

/** Store read is a boundary: a bucket that is not counts is corruption. */
function parseCounts(key: string, value: unknown): Counts {
  const parsed = bucketSchema.safeParse(value);
  if (!parsed.success) throw new KernelError('internal', `usage bucket ${key} does not hold counts`, { cause: parsed.error });
  return parsed.data;
}

/**
 * The processor's delta for nearly every event, `{ events, tokens: 0, costUsd: 0 }` with a whole
 * event count: valid as it is, no parse needed. Anything else is parsed.
 */
function isEventCount(delta: UsageDelta): delta is { events: number; tokens: 0; costUsd: 0 } {
  let keys = 0;
  for (const key in delta) {
    if (key !== 'events' && key !== 'tokens' && key !== 'costUsd') return false;
    keys += 1;
  }
  const { events, tokens = 0, costUsd = 0 } = delta;
  return keys > 0 && events !== undefined && Number.isSafeInteger(events) && events >= 0 && tokens === 0 && costUsd === 0;
}

function parseDelta(delta: UsageDelta): z.output<typeof deltaSchema> {
  const parsed = deltaSchema.safeParse(delta);
  if (!parsed.success) throw new KernelError('invalid_input', `invalid usage delta: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
  return parsed.data;
}
