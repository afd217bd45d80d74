// @ts-check
// Recurrence rules (RFC 5545 3.3.10), the simple part: FREQ=DAILY or WEEKLY, with INTERVAL,
// COUNT, UNTIL, BYDAY (weekdays without a number) and WKST. That covers the daily standup, the
// weekly one-on-one and "every other Tuesday". Anything else (MONTHLY, YEARLY, BYMONTHDAY,
// BYSETPOS, ...) is refused by `parseRule` with a reason, and the calendar driver reports the
// event as skipped rather than listing it wrongly.
//
// Occurrences step in the event's wall-clock time, so a 09:00 America/New_York meeting is at
// 09:00 on both sides of a DST change. DTSTART is always the first occurrence (and counts
// toward COUNT), as RFC 5545 says.

import { DAY, parseIcalTimes } from './ical-time.js';

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const SUPPORTED = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'WKST']);
/** A bound on the steps one expansion takes (a COUNT in the hundreds of thousands). */
const MAX_STEPS = 100_000;

/**
 * @typedef {object} Rule
 * @property {'DAILY' | 'WEEKLY'} freq
 * @property {number} interval
 * @property {number | undefined} count
 * @property {import('./ical-time.js').IcalTime | undefined} until
 * @property {number[] | undefined} byDay weekdays, 0 = Sunday
 * @property {number} weekStart 0 = Sunday; Monday unless WKST says otherwise
 */

/**
 * @param {string} text an RRULE value such as FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260430T000000Z
 * @returns {Rule} or throws an Error saying what is not supported
 */
export function parseRule(text) {
  /** @type {Map<string, string>} */
  const parts = new Map();
  for (const part of text.split(';')) {
    const [name = '', value = ''] = part.split('=');
    if (!SUPPORTED.has(name.toUpperCase())) throw new Error(`RRULE ${part} is not supported (only FREQ=DAILY or WEEKLY with INTERVAL, COUNT, UNTIL, BYDAY, WKST)`);
    parts.set(name.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY') throw new Error(`RRULE FREQ=${freq ?? '(none)'} is not supported (only DAILY and WEEKLY)`);
  const interval = positive(parts.get('INTERVAL') ?? '1', 'INTERVAL');
  const count = parts.has('COUNT') ? positive(parts.get('COUNT') ?? '', 'COUNT') : undefined;
  if (count !== undefined && parts.has('UNTIL')) throw new Error('RRULE has both COUNT and UNTIL, which RFC 5545 forbids');
  const until = parts.has('UNTIL') ? parseIcalTimes({ params: {}, value: parts.get('UNTIL') ?? '' }, 'RRULE UNTIL')[0] : undefined;
  const byDay = parts.has('BYDAY') ? (parts.get('BYDAY') ?? '').split(',').map((day) => weekday(day, 'BYDAY')) : undefined;
  const weekStart = parts.has('WKST') ? weekday(parts.get('WKST') ?? '', 'WKST') : 1;
  return { freq, interval, count, until, byDay, weekStart };
}

/** @param {string} text @param {string} name */
function positive(text, name) {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new Error(`RRULE ${name}=${text} is not a positive integer`);
  return value;
}

/** @param {string} text @param {string} name */
function weekday(text, name) {
  const index = WEEKDAYS.indexOf(text);
  if (index < 0) throw new Error(`RRULE ${name}=${text} is not supported (weekdays such as MO, without a number)`);
  return index;
}

/**
 * The wall-clock starts of the occurrences between `low` and `high` (wall times; the caller
 * picks the ones that overlap its range exactly), in order.
 * @param {Rule} rule
 * @param {number} start DTSTART's wall time
 * @param {{ low: number, high: number, instantOf: (wall: number) => number }} window
 *   instantOf: when a wall time of this event happens (for a UTC UNTIL)
 * @returns {number[]}
 */
export function occurrences(rule, start, { low, high, instantOf }) {
  const until = rule.until;
  /** @param {number} wall */
  const withinUntil = (wall) => {
    if (until === undefined) return true;
    if (until.kind === 'date') return wall < until.wall + DAY; // that whole day
    return until.kind === 'utc' ? instantOf(wall) <= until.wall : wall <= until.wall;
  };
  // Without COUNT nothing before the window matters: start at the period that reaches it.
  const skipPeriods = rule.count === undefined;
  /** @type {number[]} */
  const walls = [];
  let counted = 0;
  let steps = 0;
  for (const wall of candidates(rule, start, skipPeriods ? low : -Infinity)) {
    steps += 1;
    if (steps > MAX_STEPS || wall > high || !withinUntil(wall)) break;
    counted += 1;
    if (rule.count !== undefined && counted > rule.count) break;
    if (wall >= low) walls.push(wall);
  }
  return walls;
}

/**
 * DTSTART, then every later start the rule generates, in order, from the period reaching `from` on.
 * @param {Rule} rule
 * @param {number} start
 * @param {number} from
 * @returns {Generator<number>}
 */
function* candidates(rule, start, from) {
  yield* rule.freq === 'DAILY' ? daily(rule, start, from) : weekly(rule, start, from);
}

/** @param {number} wall */
const dayOf = (wall) => new Date(wall).getUTCDay();

/** @param {Rule} rule @param {number} start @param {number} from @returns {Generator<number>} */
function* daily(rule, start, from) {
  const period = rule.interval * DAY;
  const first = Math.max(0, Math.floor((from - start) / period));
  if (first === 0) yield start;
  for (let n = Math.max(1, first); ; n += 1) {
    const wall = start + n * period;
    if (rule.byDay === undefined || rule.byDay.includes(dayOf(wall))) yield wall;
  }
}

/**
 * The week (starting on WKST) that contains DTSTART, then every INTERVAL-th one; in each, the
 * BYDAY weekdays (DTSTART's weekday without BYDAY) at DTSTART's time of day.
 * @param {Rule} rule @param {number} start @param {number} from @returns {Generator<number>}
 */
function* weekly(rule, start, from) {
  const timeOfDay = ((start % DAY) + DAY) % DAY;
  const sinceWeekStart = (/** @type {number} */ day) => (day - rule.weekStart + 7) % 7;
  const weekOne = start - timeOfDay - sinceWeekStart(dayOf(start)) * DAY;
  const days = [...new Set(rule.byDay ?? [dayOf(start)])].sort((a, b) => sinceWeekStart(a) - sinceWeekStart(b));
  const period = rule.interval * 7 * DAY;
  const first = Math.max(0, Math.floor((from - weekOne) / period));
  if (first === 0) yield start;
  for (let n = first; ; n += 1) {
    for (const day of days) {
      const wall = weekOne + n * period + sinceWeekStart(day) * DAY + timeOfDay;
      if (wall > start) yield wall;
    }
  }
}
