// @ts-check
// From a parsed calendar to the events that overlap a range: each VEVENT interpreted (times,
// duration, recurrence, exceptions), recurring ones expanded, moved or cancelled occurrences
// (RECURRENCE-ID) put in place of the ones they replace, and what cannot be interpreted reported
// with the reason instead of being listed wrongly.

import { first, unescapeText } from './ical.js';
import { DAY, formatDate, formatInstant, parseDuration, parseIcalTimes, toInstant } from './ical-time.js';
import { occurrences, parseRule } from './recurrence.js';

/**
 * An event of the answer. Timed events: RFC 3339 with the calendar zone's offset. All-day events:
 * dates, `end` exclusive (a one-day event on 9 March: start 2026-03-09, end 2026-03-10).
 * @typedef {{ uid: string, summary: string, start: string, end: string, location?: string, allDay: boolean }} CalendarEvent
 */

/** An event left out, and why. @typedef {{ uid: string, summary?: string, reason: string }} Skipped */

/**
 * @typedef {object} Interpreted
 * @property {string} uid
 * @property {string} summary
 * @property {string | undefined} location
 * @property {boolean} cancelled
 * @property {import('./ical-time.js').IcalTime} [start]
 * @property {number} [startInstant]
 * @property {(wall: number) => { wall: number, instant: number }} [endOf] the end of an occurrence starting at `wall`
 * @property {boolean} recurs whether it has an RRULE (read or not)
 * @property {import('./recurrence.js').Rule} [rule]
 * @property {Set<number>} [excluded] EXDATE instants
 * @property {number} [recurrenceId] the instant of the occurrence this one replaces
 * @property {string} [problem] why it cannot be listed
 */

/**
 * The events of `calendar` overlapping [from, to), sorted by start (then end, then UID).
 * @param {import('./ical.js').Calendar} calendar
 * @param {{ from: number, to: number, zone: string }} range instants; `zone` reads dates and floating times
 * @returns {{ events: CalendarEvent[], skipped: Skipped[] }}
 */
export function eventsInRange(calendar, { from, to, zone }) {
  const interpreted = calendar.events.map((event) => interpret(event, zone));
  /** @type {Skipped[]} */
  const skipped = [];
  /** @type {Map<string, Set<number>>} occurrences replaced by a RECURRENCE-ID event, by UID */
  const replaced = new Map();
  for (const event of interpreted) {
    if (event.problem !== undefined) {
      if (!event.cancelled && mayOverlap(event, from, to)) skipped.push({ uid: event.uid, ...(event.summary !== '' && { summary: event.summary }), reason: event.problem });
    } else if (event.recurrenceId !== undefined) {
      replaced.set(event.uid, (replaced.get(event.uid) ?? new Set()).add(event.recurrenceId));
    }
  }
  /** @type {Array<CalendarEvent & { sortStart: number, sortEnd: number }>} */
  const listed = [];
  for (const event of interpreted) {
    if (event.problem !== undefined || event.cancelled || event.start === undefined || event.endOf === undefined) continue;
    const { start, endOf } = event;
    const isReplaced = (/** @type {number} */ instant) => event.recurrenceId === undefined && (replaced.get(event.uid)?.has(instant) ?? false);
    const walls = event.rule === undefined || event.recurrenceId !== undefined
      ? [start.wall]
      : occurrences(event.rule, start.wall, { low: from - (endOf(start.wall).wall - start.wall) - DAY, high: to + DAY, instantOf: (wall) => toInstant({ ...start, wall }, zone) });
    for (const wall of walls) {
      const instant = toInstant({ ...start, wall }, zone);
      const end = endOf(wall);
      const overlaps = instant < to && (end.instant > from || (end.instant === instant && instant >= from));
      if (!overlaps || event.excluded?.has(instant) || isReplaced(instant)) continue;
      const allDay = start.kind === 'date';
      listed.push({
        uid: event.uid,
        summary: event.summary,
        start: allDay ? formatDate(wall) : formatInstant(instant, zone),
        end: allDay ? formatDate(end.wall) : formatInstant(end.instant, zone),
        ...(event.location !== undefined && { location: event.location }),
        allDay,
        sortStart: instant,
        sortEnd: end.instant,
      });
    }
  }
  listed.sort((a, b) => a.sortStart - b.sortStart || a.sortEnd - b.sortEnd || a.uid.localeCompare(b.uid));
  return { events: listed.map(({ sortStart: _start, sortEnd: _end, ...event }) => event), skipped };
}

/**
 * Whether an event that cannot be listed might have been in the range, judging by what could be
 * read: one whose start (or, when it does not recur, its end) puts it outside is not reported,
 * and neither is a cancelled one.
 * @param {Interpreted} event
 * @param {number} from
 * @param {number} to
 */
function mayOverlap(event, from, to) {
  if (event.start === undefined || event.startInstant === undefined) return true;
  if (event.startInstant >= to) return false;
  return event.recurs || event.endOf === undefined || event.endOf(event.start.wall).instant > from;
}

/**
 * @param {import('./ical.js').VEvent} event
 * @param {string} zone
 * @returns {Interpreted}
 */
function interpret(event, zone) {
  const uid = text(event, 'UID');
  const location = text(event, 'LOCATION');
  /** @type {Interpreted} */
  const result = {
    uid: uid ?? '',
    summary: text(event, 'SUMMARY') ?? '',
    location: location === '' ? undefined : location,
    cancelled: first(event, 'STATUS')?.value.toUpperCase() === 'CANCELLED',
    recurs: event.properties.has('RRULE'),
  };
  try {
    const start = single(event, 'DTSTART');
    if (start === undefined) return { ...result, problem: `no DTSTART (the VEVENT on line ${event.line})` };
    result.start = start;
    result.startInstant = toInstant(start, zone);
    result.endOf = endFunction(event, start, zone);
    if (uid === undefined || uid === '') return { ...result, problem: `no UID (the VEVENT on line ${event.line})` };
    const recurrenceId = single(event, 'RECURRENCE-ID');
    if (recurrenceId !== undefined) result.recurrenceId = toInstant(recurrenceId, zone);
    const rule = first(event, 'RRULE');
    if (rule !== undefined && recurrenceId === undefined) {
      if ((event.properties.get('RRULE')?.length ?? 0) > 1) throw new Error('more than one RRULE');
      result.rule = parseRule(rule.value);
      const exdates = (event.properties.get('EXDATE') ?? []).flatMap((property) => parseIcalTimes(property, 'EXDATE'));
      result.excluded = new Set(exdates.map((time) => toInstant(time, zone)));
    }
    if (event.properties.has('RDATE')) throw new Error('RDATE is not supported');
    return result;
  } catch (error) {
    return { ...result, problem: /** @type {Error} */ (error).message };
  }
}

/**
 * The end of an occurrence starting at a given wall time: from DTEND or DURATION, else a day for
 * an all-day event and the start itself for a timed one (RFC 5545 3.6.1). A DTEND in the same
 * zone as DTSTART is a wall-clock length (each occurrence ends at the same local time); a DTEND
 * in another zone is an exact one; DURATION says which of its parts are which.
 * @param {import('./ical.js').VEvent} event
 * @param {import('./ical-time.js').IcalTime} start
 * @param {string} zone
 * @returns {(wall: number) => { wall: number, instant: number }}
 */
function endFunction(event, start, zone) {
  const end = single(event, 'DTEND');
  const duration = first(event, 'DURATION');
  if (end !== undefined && duration !== undefined) throw new Error('both DTEND and DURATION');
  const allDay = start.kind === 'date';
  if (end !== undefined && (end.kind === 'date') !== allDay) throw new Error('DTSTART and DTEND are not both dates or both date-times');
  let nominal = allDay && end === undefined && duration === undefined ? DAY : 0;
  let exact = 0;
  if (duration !== undefined) ({ nominal, exact } = parseDuration(duration.value));
  if (end !== undefined) {
    const sameZone = end.kind === start.kind && (end.kind !== 'zoned' || start.kind !== 'zoned' || end.zone === start.zone);
    if (sameZone) nominal = end.wall - start.wall;
    else exact = toInstant(end, zone) - toInstant(start, zone);
  }
  if (nominal + exact < 0) throw new Error('it ends before it starts');
  if (allDay && (nominal % DAY !== 0 || exact !== 0)) throw new Error('an all-day event must last whole days');
  return (wall) => ({ wall: wall + nominal + exact, instant: toInstant({ ...start, wall: wall + nominal }, zone) + exact });
}

/**
 * The one value of a property that has at most one (DTSTART, DTEND, RECURRENCE-ID).
 * @param {import('./ical.js').VEvent} event
 * @param {string} name
 */
function single(event, name) {
  const properties = event.properties.get(name) ?? [];
  if (properties.length > 1) throw new Error(`more than one ${name}`);
  const [property] = properties;
  if (property === undefined) return undefined;
  const times = parseIcalTimes(property, name);
  if (times.length !== 1) throw new Error(`${name} has ${times.length} values`);
  return times[0];
}

/** A TEXT property unescaped, if present. @param {import('./ical.js').VEvent} event @param {string} name */
function text(event, name) {
  const property = first(event, name);
  return property === undefined ? undefined : unescapeText(property.value);
}
