// @ts-check
// Times in iCalendar (RFC 5545, 3.3.4 DATE, 3.3.5 DATE-TIME, 3.3.6 DURATION) and in requests
// (RFC 3339), and the conversion of a local wall-clock time in an IANA zone to an instant, with
// the zone rules Node ships (Intl). VTIMEZONE definitions in a file are not read: a TZID must be
// an IANA name such as America/New_York, which is what Google, Apple and Fastmail exports use.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * A time as written in the file. `wall` is the wall-clock reading as milliseconds since the epoch
 * read as if it were UTC: recurrences step in wall time (a 09:00 meeting stays at 09:00 across a
 * DST change), and `toInstant` says when that reading happens.
 * - date: an all-day value (`;VALUE=DATE`), midnight of that day in the calendar's zone;
 * - utc: `...Z`, `wall` is the instant;
 * - zoned: `;TZID=<IANA zone>`;
 * - floating: neither: the calendar's zone.
 * @typedef {{ kind: 'date' | 'utc' | 'floating', wall: number } | { kind: 'zoned', wall: number, zone: string }} IcalTime
 */

/** @typedef {{ params: Record<string, string>, value: string }} Property */

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;

/**
 * The values of a DTSTART, DTEND, RECURRENCE-ID or EXDATE property (EXDATE may list several).
 * Throws an Error saying what is wrong; the caller skips the event with that reason.
 * @param {Property} property
 * @param {string} name the property's name, for messages
 * @returns {IcalTime[]}
 */
export function parseIcalTimes(property, name) {
  return property.value.split(',').map((text) => parseIcalTime(text.trim(), property.params, name));
}

/**
 * @param {string} text
 * @param {Record<string, string>} params
 * @param {string} name
 * @returns {IcalTime}
 */
function parseIcalTime(text, params, name) {
  const date = DATE.exec(text);
  if (date || params['VALUE'] === 'DATE') {
    if (!date) throw new Error(`${name} "${text}" is not a DATE (YYYYMMDD)`);
    return { kind: 'date', wall: utcFields(name, text, date[1], date[2], date[3]) };
  }
  const match = DATE_TIME.exec(text);
  if (!match) throw new Error(`${name} "${text}" is not a DATE-TIME (YYYYMMDDTHHMMSS, optionally ending in Z)`);
  const wall = utcFields(name, text, match[1], match[2], match[3], match[4], match[5], match[6]);
  if (match[7] === 'Z') return { kind: 'utc', wall };
  const zone = params['TZID'];
  if (zone === undefined) return { kind: 'floating', wall };
  if (!isTimeZone(zone)) throw new Error(`${name} has TZID "${zone}", which is not an IANA time zone (VTIMEZONE definitions are not read)`);
  return { kind: 'zoned', wall, zone };
}

/** @param {string} name @param {string} text @param {...(string | undefined)} fields */
function utcFields(name, text, ...fields) {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = fields.map((field) => Number(field ?? 0));
  // Not Date.UTC: it reads the years 0-99 as 1900-1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  check.setUTCHours(hour, minute, second, 0);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) {
    throw new Error(`${name} "${text}" is not a valid date or time`);
  }
  return check.getTime();
}

/**
 * When `time` happens; a date or floating time is read in `zone` (the calendar's).
 * @param {IcalTime} time
 * @param {string} zone
 */
export function toInstant(time, zone) {
  if (time.kind === 'utc') return time.wall;
  return wallToInstant(time.wall, time.kind === 'zoned' ? time.zone : zone);
}

/**
 * The instant at which clocks in `zone` read `wall`. Around a DST change a reading can happen
 * twice (the earlier one is taken) or never (it is read with the offset before the gap, so 02:30
 * on a spring-forward night is 03:30), as RFC 5545 3.3.5 says.
 * @param {number} wall
 * @param {string} zone
 */
export function wallToInstant(wall, zone) {
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const candidates = [...new Set([before, after])].map((offset) => wall - offset).filter((instant) => instant + offsetAt(instant, zone) === wall);
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}

/** @type {Map<string, Intl.DateTimeFormat>} */
const formatters = new Map();

/**
 * The zone's offset from UTC at `instant`, in milliseconds (New York in winter: -5 h).
 * @param {number} instant
 * @param {string} zone
 */
export function offsetAt(instant, zone) {
  if (zone === 'UTC') return 0;
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, format);
  }
  /** @type {Record<string, number>} */
  const parts = {};
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  const local = Date.UTC(parts['year'] ?? 0, (parts['month'] ?? 1) - 1, parts['day'], parts['hour'], parts['minute'], parts['second']);
  return local - Math.floor(instant / 1000) * 1000;
}

/** @param {string} zone */
export function isTimeZone(zone) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * RFC 3339 with the offset of `zone` at that instant: 2026-03-09T09:00:00-04:00 (or ...Z at UTC).
 * @param {number} instant
 * @param {string} zone
 */
export function formatInstant(instant, zone) {
  const offset = offsetAt(instant, zone);
  const local = new Date(instant + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const minutes = Math.abs(offset) / MINUTE;
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The calendar date of a wall time: 2026-03-09. @param {number} wall */
export function formatDate(wall) {
  return new Date(wall).toISOString().slice(0, 10);
}

const DURATION = /^\+?P(?:(\d+)W|(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?)$/;

/**
 * A DURATION value (P1D, PT1H30M, P2W): days and weeks are nominal (wall-clock days: P1D from
 * 09:00 ends at 09:00 the next day across a DST change), hours, minutes and seconds exact
 * (RFC 5545 3.3.6). Negative durations are refused.
 * @param {string} text
 * @returns {{ nominal: number, exact: number }} milliseconds of wall time and of real time
 */
export function parseDuration(text) {
  const match = DURATION.exec(text);
  if (!match || text.replace('+', '') === 'P') throw new Error(`DURATION "${text}" is not a positive duration such as PT1H or P1D`);
  const [weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0] = match.slice(1).map((field) => Number(field ?? 0));
  return { nominal: (weeks * 7 + days) * DAY, exact: hours * HOUR + minutes * MINUTE + seconds * 1000 };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant an RFC 3339 date-time names (2026-03-09T00:00:00-05:00), or undefined when the
 * text is not one (a date alone, no offset, a 30th of February).
 * @param {unknown} text
 * @returns {number | undefined}
 */
export function parseRfc3339(text) {
  if (typeof text !== 'string') return undefined;
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  let wall;
  try {
    wall = utcFields('', text, match[1], match[2], match[3], match[4], match[5], match[6]);
  } catch {
    return undefined;
  }
  const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0${match[7]}`) * 1000);
  if (match[9] === undefined) return wall + fraction;
  const offsetHours = Number(match[10]);
  const offsetMinutes = Number(match[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * HOUR + offsetMinutes * MINUTE);
  return wall + fraction - offset;
}
