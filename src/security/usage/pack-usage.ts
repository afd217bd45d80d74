/**
 * What each skill pack spent per user and day: one StateStore item per (user, UTC day, pack),
 * kind `usage_packs`, key `pd:<YYYY-MM-DD>:<pack>`, field `costNanos` (nano-dollars, integers, as
 * usage-counters.ts explains). Kept 40 days, like daily totals. The pack's daily ceiling is
 * checked against it (src/security/packs).
 *
 * Attribution: a run's cost is the pack's when the run's driver belongs to the pack (its own
 * code reported spending), else when the event it handled was produced by one of the pack's
 * drivers (the models driver answering a pack agent's `model.request`, an MCP server answering
 * its `tool.call`). What the pack asks others to do is its spend.
 */
import { z } from 'zod';
import { KernelError, type StateStore } from '../../kernel/index.js';
import { bucketOf } from './buckets.js';
import type { Fields, PendingUsage } from './pending-usage.js';

export const PACK_USAGE_KIND = 'usage_packs';

const NANOS_PER_USD = 1e9;
const RETENTION_MS = 40 * 24 * 60 * 60 * 1000;

const storedSchema = z.looseObject({ costNanos: z.number().optional() });

/** The pack a driver belongs to, if any (a promise when the pack directory must be read again). */
export type PackOfDriver = (driverId: string) => string | undefined | Promise<string | undefined>;

/** The writes that count `spentBy` against the packs it names (none when no pack is involved). */
export async function packUsageWrites(at: Date, spentBy: ReadonlyArray<{ driver: string; producer?: string | undefined; costUsd: number }>, packOf: PackOfDriver): Promise<Array<{ key: string; fields: Fields; expiresAt: Date }>> {
  const byPack = new Map<string, number>();
  for (const spent of spentBy) {
    const pack = (await packOf(spent.driver)) ?? (spent.producer === undefined ? undefined : await packOf(spent.producer));
    const nanos = Math.round(spent.costUsd * NANOS_PER_USD);
    if (pack !== undefined && nanos > 0) byPack.set(pack, (byPack.get(pack) ?? 0) + nanos);
  }
  if (byPack.size === 0) return [];
  const day = bucketOf('day', at);
  const expiresAt = new Date(day.end.getTime() + RETENTION_MS);
  return [...byPack].map(([pack, costNanos]) => ({ key: packUsageKey(day.key, pack), fields: { costNanos }, expiresAt }));
}

/** US dollars the pack spent for the user on the UTC day of `now`: the store plus what is not written yet. */
export async function readPackSpend(state: StateStore, pending: PendingUsage, userId: string, pack: string, now: Date): Promise<number> {
  const key = packUsageKey(bucketOf('day', now).key, pack);
  const item = await state.get(userId, PACK_USAGE_KIND, key);
  let stored = 0;
  if (item !== undefined) {
    // A store read is a boundary: a counter that is not one is corruption, and the check fails closed.
    const parsed = storedSchema.safeParse(item.value);
    if (!parsed.success) throw new KernelError('internal', `pack usage ${key} does not hold a cost`, { cause: parsed.error });
    stored = parsed.data.costNanos ?? 0;
  }
  return (stored + (pending.of(userId, key)?.['costNanos'] ?? 0)) / NANOS_PER_USD;
}

/** `d:2026-11-24` (the day bucket's key) -> `pd:2026-11-24:<pack>`. */
function packUsageKey(dayKey: string, pack: string): string {
  return `pd:${dayKey.slice(2)}:${pack}`;
}
