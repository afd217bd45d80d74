/**
 * When a schedule fires. Cron patterns and time-zone maths are croner's; the DST policy on top
 * is ours, and explicit:
 * - a local time that does not exist (the hour skipped when clocks go forward) fires once, at
 *   the next valid time (croner's own behaviour: 02:30 on that day becomes 03:00);
 * - a local time that happens twice (the hour repeated when clocks go back) fires once, at its
 *   first occurrence: a slot whose local wall-clock time is not after the previous slot's is
 *   passed over. (croner alone fires a sub-daily pattern in both occurrences.)
 */
import { Cron } from 'croner';

/** Why a time zone is refused, or undefined when Intl knows it. */
export function checkTimeZone(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Oslo, America/New_York)`;
  }
}

/** Why a cron pattern is refused, or undefined. Five fields (minute hour day month weekday), or six with seconds first. */
export function checkCron(pattern: string, timezone: string): string | undefined {
  const fields = pattern.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `"${pattern}" has ${fields} fields; a cron pattern has 5 (minute hour day month weekday) or 6 (seconds first)`;
  try {
    cronOf(pattern, timezone);
    return undefined;
  } catch (error) {
    return `"${pattern}" is not a valid cron pattern: ${(error as Error).message}`;
  }
}

function cronOf(pattern: string, timezone: string): Cron {
  return new Cron(pattern, { timezone, paused: true, mode: '5-or-6-parts' });
}

/** The local wall-clock time of `instant` in `timezone`, as a sortable string. */
function localTime(instant: Date, timezone: string): string {
  return instant.toLocaleString('sv-SE', { timeZone: timezone, hour12: false });
}

/**
 * The first slot of a cron pattern strictly after `after`, under the DST policy above;
 * undefined when the pattern has no further slot.
 */
export function nextCronSlot(pattern: string, timezone: string, after: Date): Date | undefined {
  const cron = cronOf(pattern, timezone);
  const floor = localTime(after, timezone);
  let candidate = cron.nextRun(after);
  // A repeated local hour yields at most an hour of candidates whose wall time is not after `after`'s.
  for (let guard = 0; candidate !== null && guard < 3600; guard += 1) {
    if (localTime(candidate, timezone) > floor) return candidate;
    candidate = cron.nextRun(candidate);
  }
  return candidate ?? undefined;
}
