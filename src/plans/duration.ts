/**
 * Durations as instructions write them: `500ms`, `30s`, `10m`, `2h`, `7d`, or a number of
 * milliseconds. Plans wait for hours and days (a human approval, a sleep until tomorrow), so the
 * units go further than a driver manifest's timeout.
 */
import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A wait longer than a year is a mistake, not a plan. */
export const MAX_DURATION_MS = 366 * 86_400_000;

export const planDurationSchema = z
  .union([z.number().int().positive(), z.string().regex(DURATION, 'must look like "500ms", "30s", "10m", "2h" or "7d"')])
  .transform((value) => (typeof value === 'number' ? value : parseDuration(value)))
  .refine((ms) => ms <= MAX_DURATION_MS, 'must be at most 366 days');

function parseDuration(text: string): number {
  const [, amount, unit] = DURATION.exec(text) ?? [];
  return Number(amount) * (UNIT_MS[unit ?? 'ms'] ?? 1);
}
