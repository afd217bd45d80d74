/**
 * Throttling: a `throttle` policy delays an event instead of denying it. The event runs again at
 * the start of the next calendar window of the policy (a UTC minute, hour or day), plus a spread
 * derived from the event id: a throttled burst then does not wake on one millisecond, and every
 * redelivery of the same decision computes the same instant.
 */
import { hash } from 'node:crypto';
import { z } from 'zod';

export const throttleWindowSchema = z.enum(['minute', 'hour', 'day']);
export type ThrottleWindow = z.infer<typeof throttleWindowSchema>;

const WINDOW_MS: Readonly<Record<ThrottleWindow, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The spread covers at most this share of the window: a minute's throttled events wake within
 * its first 3 s, a day's within its first 72 min. Small, so "the next window" stays true.
 */
export const THROTTLE_SPREAD_SHARE = 0.05;

export function windowLengthMs(window: ThrottleWindow): number {
  return WINDOW_MS[window];
}

/** The start of the window holding `at`. Unix time has no leap seconds, so UTC days are exact multiples too. */
export function windowStart(window: ThrottleWindow, at: Date): Date {
  const ms = at.getTime();
  return new Date(ms - (ms % WINDOW_MS[window]));
}

/** The start of the window after the one holding `now`. */
export function nextWindowStart(window: ThrottleWindow, now: Date): Date {
  return new Date(windowStart(window, now).getTime() + WINDOW_MS[window]);
}

/** How far into its window an event wakes: the same for the same event id, spread evenly over ids. */
export function throttleSpreadMs(window: ThrottleWindow, eventId: string): number {
  const fraction = Number.parseInt(hash('sha256', eventId, 'hex').slice(0, 8), 16) / 2 ** 32;
  return Math.floor(fraction * WINDOW_MS[window] * THROTTLE_SPREAD_SHARE);
}

/** When an event throttled at `now` runs again. */
export function throttleRunAt(window: ThrottleWindow, now: Date, eventId: string): Date {
  return new Date(nextWindowStart(window, now).getTime() + throttleSpreadMs(window, eventId));
}

/**
 * The release name (PublishOptions.release) of the `count`-th re-publication of a throttled
 * event: a new name per round, so duplicate detection lets the round's message through, while a
 * retried publication of the same round is dropped.
 */
export function throttleRelease(count: number): string {
  return `throttle:${count}`;
}
