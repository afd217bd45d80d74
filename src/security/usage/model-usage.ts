/**
 * Usage per user, model and day: one StateStore item per (user, UTC day, model), kind
 * `usage_models`, key `md:<YYYY-MM-DD>:<model>`, fields `calls`, `inputTokens`, `outputTokens`,
 * `cachedInputTokens` and `costNanos` (nano-dollars, integers, as usage-counters.ts explains).
 * Kept 400 days, like monthly totals. Reading a month is one key-prefix listing (`md:YYYY-MM-`).
 */
import { z } from 'zod';
import type { ModelUsage, StateStore } from '../../kernel/index.js';
import { bucketOf } from './buckets.js';
import { addInto, type Fields, type PendingUsage } from './pending-usage.js';

export const MODEL_USAGE_KIND = 'usage_models';

const NANOS_PER_USD = 1e9;
const RETENTION_MS = 400 * 24 * 60 * 60 * 1000;
const PAGE = 1000;

/** One model's totals over a day or a month. */
export interface ModelUsageTotals {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
}

/** What `GET /api/usage` shows per model: today, this month, and each day of this month. */
export interface ModelUsageReport {
  day: string;
  month: string;
  today: ModelUsageTotals[];
  thisMonth: ModelUsageTotals[];
  /** Newest day first; within a day, by model id. */
  days: Array<ModelUsageTotals & { day: string }>;
}

const storedSchema = z.looseObject({
  calls: z.number().optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  cachedInputTokens: z.number().optional(),
  costNanos: z.number().optional(),
});

/** Where to count `usage` at `at`: key, fields (zeros left out: the store takes 1-7 fields) and expiry. */
export function modelUsageWrite(at: Date, usage: ModelUsage): { key: string; fields: Fields; expiresAt: Date } | undefined {
  const day = bucketOf('day', at);
  const candidates: Fields = {
    calls: usage.calls,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    costNanos: Math.round(usage.costUsd * NANOS_PER_USD),
  };
  const fields = Object.fromEntries(Object.entries(candidates).filter(([, value]) => value > 0));
  if (Object.keys(fields).length === 0) return undefined;
  return { key: `md:${day.key.slice(2)}:${usage.model}`, fields, expiresAt: new Date(day.end.getTime() + RETENTION_MS) };
}

/** The month of `now` (UTC) per model, from the store plus what `pending` has not written yet. */
export async function readModelUsage(state: StateStore, pending: PendingUsage, userId: string, now: Date): Promise<ModelUsageReport> {
  const day = bucketOf('day', now).key.slice(2);
  const month = day.slice(0, 7);
  const prefix = `md:${month}-`;
  const counts = new Map<string, Fields>();
  for (let afterKey: string | undefined; ; ) {
    const items = await state.list(userId, MODEL_USAGE_KIND, { keyPrefix: prefix, limit: PAGE, ...(afterKey !== undefined && { afterKey }) });
    for (const item of items) {
      const parsed = storedSchema.safeParse(item.value);
      if (parsed.success) counts.set(item.key, { ...(parsed.data as Fields) });
    }
    if (items.length < PAGE) break;
    afterKey = items[items.length - 1]!.key;
  }
  for (const [key, fields] of pending.startingWith(userId, prefix)) addInto(counts.get(key) ?? counts.set(key, {}).get(key)!, fields);

  // Summed per model in nano-dollars (integers), converted once: adding dollar floats drifts.
  const monthFields = new Map<string, Fields>();
  for (const [key, fields] of counts) addInto(monthFields.get(key.slice(14)) ?? monthFields.set(key.slice(14), {}).get(key.slice(14))!, fields);
  const days = [...counts]
    .map(([key, fields]) => ({ day: key.slice(3, 13), ...totals(key.slice(14), fields) }))
    .sort((a, b) => (a.day === b.day ? a.model.localeCompare(b.model) : a.day < b.day ? 1 : -1));
  return {
    day,
    month,
    today: days.filter((entry) => entry.day === day).map(({ day: _day, ...entry }) => entry),
    thisMonth: [...monthFields].map(([model, fields]) => totals(model, fields)).sort((a, b) => a.model.localeCompare(b.model)),
    days,
  };
}

function totals(model: string, fields: Fields): ModelUsageTotals {
  return {
    model,
    calls: fields['calls'] ?? 0,
    inputTokens: fields['inputTokens'] ?? 0,
    outputTokens: fields['outputTokens'] ?? 0,
    cachedInputTokens: fields['cachedInputTokens'] ?? 0,
    costUsd: (fields['costNanos'] ?? 0) / NANOS_PER_USD,
  };
}
