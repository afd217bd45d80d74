/**
 * A look-back window written as a count and a unit: `30m`, `24h`, `7d` (at most a year). UI
 * applications' charts and metrics declare one, and GET /api/events/aggregate takes one; both
 * parse it here so they accept exactly the same windows.
 */
import { z } from 'zod';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_WINDOW_MS = 366 * 86_400_000;

/** The window's length in milliseconds; `value` must have passed `timeWindowSchema`. */
export function windowMs(value: string): number {
  return Number(value.slice(0, -1)) * UNIT_MS[value.slice(-1) as keyof typeof UNIT_MS];
}

export const timeWindowSchema = z
  .string()
  .regex(/^[1-9]\d{0,3}[mhd]$/, 'must be a window such as "30m", "24h" or "7d"')
  .refine((value) => windowMs(value) <= MAX_WINDOW_MS, 'must be at most a year');
