/** Time is a port so tests and the scheduler can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let lastMs = Number.NaN;
let lastIso = '';

/**
 * `clock.now().toISOString()`, remembering the last result: under load many events share a
 * millisecond, and formatting was a visible part of the per-event cost (it runs two or three
 * times per event). Any clock works; the cache is keyed by the instant, not by the clock.
 */
export function isoNow(clock: Clock): string {
  const ms = clock.now().getTime();
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
