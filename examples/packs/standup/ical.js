// @ts-check
// Reading an iCalendar document (RFC 5545) into its VEVENTs: line unfolding (3.1), content lines
// with parameters and quoted values, and TEXT unescaping (3.3.11). Components nested in an event
// (VALARM) keep their properties to themselves; VTODO, VJOURNAL and VTIMEZONE are passed over.

import { permanent } from './errors.js';

/** @typedef {import('./ical-time.js').Property} Property */

/**
 * One VEVENT: its properties by upper-case name, each name with every occurrence (EXDATE may repeat).
 * @typedef {{ line: number, properties: Map<string, Property[]> }} VEvent
 */

/**
 * @typedef {object} Calendar
 * @property {string | undefined} timeZone X-WR-TIMEZONE, the zone Google and Apple exports name for the calendar
 * @property {VEvent[]} events
 */

/**
 * Parses the document. A text that is not an iCalendar document, or whose components do not nest,
 * is refused with a permanent error naming `source` and the line: fetching it again gives the same text.
 * @param {string} text
 * @param {string} source for messages: the calendar's name
 * @returns {Calendar}
 */
export function parseCalendar(text, source) {
  // Unfolding: a line break followed by one space or tab continues the previous line.
  const lines = text.replace(/^\uFEFF/, '').replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  /** @type {string[]} */
  const stack = [];
  /** @type {VEvent[]} */
  const events = [];
  /** @type {VEvent | undefined} */
  let current;
  /** @type {string | undefined} */
  let timeZone;
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    const property = parseContentLine(raw);
    if (property === undefined) throw permanent(`calendar "${source}": line ${line} is not an iCalendar content line`);
    const { name, params, value } = property;
    if (name === 'BEGIN') {
      const component = value.toUpperCase();
      if (stack.length === 0 && component !== 'VCALENDAR') throw permanent(`calendar "${source}" is not an iCalendar document (it does not begin with BEGIN:VCALENDAR)`);
      stack.push(component);
      if (component === 'VEVENT' && stack.length === 2) current = { line, properties: new Map() };
      return;
    }
    if (name === 'END') {
      const component = value.toUpperCase();
      if (stack.at(-1) !== component) throw permanent(`calendar "${source}": END:${component} on line ${line} closes nothing open (open: ${stack.join(' > ') || 'none'})`);
      stack.pop();
      if (component === 'VEVENT' && stack.length === 1 && current !== undefined) {
        events.push(current);
        current = undefined;
      }
      return;
    }
    if (stack.length === 0) throw permanent(`calendar "${source}" is not an iCalendar document (it does not begin with BEGIN:VCALENDAR)`);
    if (stack.length === 1 && name === 'X-WR-TIMEZONE') timeZone = value;
    if (current !== undefined && stack.length === 2) {
      const list = current.properties.get(name) ?? [];
      list.push({ params, value });
      current.properties.set(name, list);
    }
  });
  if (stack.length > 0) throw permanent(`calendar "${source}" ends inside ${stack.join(' > ')} (a truncated file?)`);
  return { timeZone, events };
}

/**
 * `NAME;PARAM=value;PARAM="quoted; value":value`. Names are case-insensitive (upper-cased here);
 * the value is everything after the first colon outside quotes.
 * @param {string} line
 * @returns {{ name: string, params: Record<string, string>, value: string } | undefined}
 */
function parseContentLine(line) {
  const head = /^[A-Za-z0-9-]+/.exec(line);
  if (!head) return undefined;
  /** @type {Record<string, string>} */
  const params = {};
  let at = head[0].length;
  while (line[at] === ';') {
    const param = /^;([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)/.exec(line.slice(at));
    if (!param) return undefined;
    params[(param[1] ?? '').toUpperCase()] = (param[2] ?? '').replace(/"/g, '');
    at += param[0].length;
  }
  if (line[at] !== ':') return undefined;
  return { name: head[0].toUpperCase(), params, value: line.slice(at + 1) };
}

/**
 * A TEXT value unescaped: `\,` `\;` `\\` and `\n` (or `\N`, a line break).
 * @param {string} value
 */
export function unescapeText(value) {
  return value.replace(/\\([\\;,nN])/g, (_, char) => (char === 'n' || char === 'N' ? '\n' : char));
}

/**
 * The first occurrence of a property, if any.
 * @param {VEvent} event
 * @param {string} name
 * @returns {Property | undefined}
 */
export function first(event, name) {
  return event.properties.get(name)?.[0];
}
