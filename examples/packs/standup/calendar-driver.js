// @ts-check
// An example `calendar` driver: `calendar.fetch` -> the events of an iCalendar (.ics) source in a
// time range -> `calendar.fetch.result`. The Daily Standup Assistant's `fetch_calendar` step.
// A plain ES module with no imports from Vextir OS: list it in vextir.config.yaml.
//
//   drivers:
//     - module: ./examples/packs/standup/calendar-driver.js
//       options:
//         calendars:
//           work: { url: "https://calendar.example.com/alice.ics", timeZone: America/New_York }
//           team: { file: ./examples/packs/standup/sample.ics }
//         default: work
//
//   calendar.fetch         { start, end, calendar? }     start, end: RFC 3339 with an offset; end - start <= 31 days
//   calendar.fetch.result  { calendar, timeZone, start, end, events: [{ uid, summary, start, end, location?, allDay }],
//                            skipped, skippedEvents? }   events sorted by start; skipped: events not interpreted, and why
//
// Which part of RFC 5545 it reads, and how times come out: see README.md, "Example drivers".
// A relative `file` is read from the directory the host runs in (where `npm start` runs), or from
// this module's folder with `filesFrom: pack` (what the standup skill pack sets).

import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventsInRange } from './calendar-events.js';
import { permanent, retryable } from './errors.js';
import { parseCalendar } from './ical.js';
import { DAY, isTimeZone, parseRfc3339 } from './ical-time.js';

/** The answer is one event on the bus (Service Bus Standard takes 256 KB): a month at most. */
const MAX_RANGE_DAYS = 31;
const MAX_SOURCE_BYTES = 10 * 1024 * 1024;
const MAX_SKIPPED_LISTED = 20;
const REQUEST_FIELDS = new Set(['start', 'end', 'calendar']);
/** A file that is not there or cannot be read as one: reading it again will not help. */
const PERMANENT_FILE_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM']);

/**
 * @typedef {{ file: string, timeZone?: string } | { url: string, timeZone?: string }} CalendarSource
 * @typedef {{ calendars: Record<string, CalendarSource>, default?: string, id?: string, filesFrom?: 'pack' | 'cwd' }} CalendarOptions
 */

/**
 * @param {CalendarOptions} options from vextir.config.yaml
 * @returns {{ manifest: Record<string, unknown>, handle: (event: any, context: any) => Promise<unknown> }}
 */
export default function createCalendarDriver(options) {
  const calendars = readOptions(options);
  const names = [...calendars.keys()];
  const fallback = options.default ?? (names.length === 1 ? names[0] : undefined);
  // `filesFrom: pack`: relative files are the pack's own (this module's folder), which is all a
  // pack's sandbox may read; otherwise they are read from where the host runs.
  const filesFrom = options.filesFrom === 'pack' ? fileURLToPath(new URL('.', import.meta.url)) : process.cwd();

  return {
    manifest: {
      // The standup pack names it `standup_...` (a pack's drivers carry its name); `calendar` otherwise.
      id: typeof options.id === 'string' ? options.id : 'calendar',
      name: 'Calendar',
      version: '1.0.0',
      type: 'tool',
      author: 'Vextir OS examples',
      description: 'Events of iCalendar (.ics) files and URLs in a time range',
      capabilities: ['calendar.fetch'],
      // It reads configured sources and sends none of an event's data anywhere.
      external: false,
      resources: { timeout: '30s', maxConcurrency: 8 },
    },
    async handle(event, context) {
      const request = readRequest(event.data, calendars, fallback);
      const source = /** @type {CalendarSource} */ (calendars.get(request.calendar));
      const text = await readSource(request.calendar, source, context.signal, filesFrom);
      const calendar = parseCalendar(text, request.calendar);
      const timeZone = source.timeZone ?? (calendar.timeZone !== undefined && isTimeZone(calendar.timeZone) ? calendar.timeZone : 'UTC');
      const { events, skipped } = eventsInRange(calendar, { from: request.from, to: request.to, zone: timeZone });
      if (skipped.length > 0) context.logger.warn({ calendar: request.calendar, skipped: skipped.length }, 'calendar events not interpreted');
      const data = {
        calendar: request.calendar,
        timeZone,
        start: request.start,
        end: request.end,
        events,
        skipped: skipped.length,
        ...(skipped.length > 0 && { skippedEvents: skipped.slice(0, MAX_SKIPPED_LISTED) }),
      };
      return [{ type: 'calendar.fetch.result', data }];
    },
  };
}

/**
 * @param {CalendarOptions} options
 * @returns {Map<string, CalendarSource>}
 */
function readOptions(options) {
  const fail = (/** @type {string} */ message) => new Error(`calendar driver: ${message}`);
  const entries = Object.entries(options?.calendars ?? {});
  if (entries.length === 0) throw fail('options.calendars must name at least one calendar: { <name>: { file } or { url } }');
  for (const [name, given] of entries) {
    const where = `options.calendars.${name}`;
    if (typeof given !== 'object' || given === null) throw fail(`${where} must be { file: <path> } or { url: <http(s) URL> }`);
    // As written in the project file, not yet known to be a CalendarSource.
    const source = /** @type {Record<string, unknown>} */ (given);
    const hasFile = typeof source.file === 'string' && source.file !== '';
    const hasUrl = typeof source.url === 'string' && source.url !== '';
    if (hasFile === hasUrl) throw fail(`${where} needs exactly one of file and url`);
    if (hasUrl && !/^https?:\/\/[^/]/i.test(String(source.url))) throw fail(`${where}.url must be an http or https URL`);
    if (source.timeZone !== undefined && (typeof source.timeZone !== 'string' || !isTimeZone(source.timeZone))) throw fail(`${where}.timeZone must be an IANA time zone such as America/New_York`);
  }
  if (options.default !== undefined && !entries.some(([name]) => name === options.default)) throw fail(`options.default names no calendar in options.calendars`);
  return new Map(entries);
}

/**
 * The request, checked field by field; a bad one is a permanent `invalid_input` error naming the field.
 * @param {unknown} data
 * @param {Map<string, CalendarSource>} calendars
 * @param {string | undefined} fallback
 */
function readRequest(data, calendars, fallback) {
  const invalid = (/** @type {string} */ message) => permanent(`invalid calendar.fetch: ${message}`, 'invalid_input');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('data must be an object { start, end, calendar? }');
  const fields = /** @type {Record<string, unknown>} */ (data);
  const unknown = Object.keys(fields).find((key) => !REQUEST_FIELDS.has(key));
  if (unknown !== undefined) throw invalid(`data.${unknown} is not a field of calendar.fetch (start, end, calendar)`);
  const from = parseRfc3339(fields['start']);
  if (from === undefined) throw invalid('data.start must be an RFC 3339 date-time with an offset, e.g. 2026-03-09T00:00:00-05:00');
  const to = parseRfc3339(fields['end']);
  if (to === undefined) throw invalid('data.end must be an RFC 3339 date-time with an offset, e.g. 2026-03-10T00:00:00-05:00');
  if (to <= from) throw invalid('data.end must be after data.start');
  if (to - from > MAX_RANGE_DAYS * DAY) throw invalid(`data.end must be at most ${MAX_RANGE_DAYS} days after data.start`);
  const named = fields['calendar'] ?? fallback;
  if (named === undefined) throw invalid(`data.calendar is required: several calendars are configured (${[...calendars.keys()].join(', ')}) and none is the default`);
  if (typeof named !== 'string' || !calendars.has(named)) throw invalid(`data.calendar: no calendar ${JSON.stringify(named)} is configured (calendars: ${[...calendars.keys()].join(', ')})`);
  return { calendar: named, start: /** @type {string} */ (fields['start']), end: /** @type {string} */ (fields['end']), from, to };
}

/**
 * The source's text. Messages name the calendar, never its path or URL (a private calendar URL
 * carries a secret token, and the `error` event goes to the user).
 * @param {string} name
 * @param {CalendarSource} source
 * @param {AbortSignal} signal
 * @param {string} filesFrom the folder a relative `file` is read from
 * @returns {Promise<string>}
 */
async function readSource(name, source, signal, filesFrom) {
  if ('file' in source) {
    const path = resolve(filesFrom, source.file);
    /** @param {unknown} error */
    const failed = (error) => {
      if (signal.aborted) return signal.reason;
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      if (code === undefined) return error;
      if (PERMANENT_FILE_ERRORS.has(code)) return permanent(`calendar "${name}": its file cannot be read (${code === 'ENOENT' ? 'it does not exist' : code})`);
      return retryable(`calendar "${name}": reading its file failed (${code})`);
    };
    const size = await stat(path).then((stats) => stats.size, (error) => Promise.reject(failed(error)));
    if (size > MAX_SOURCE_BYTES) throw permanent(`calendar "${name}": its file is larger than ${MAX_SOURCE_BYTES} bytes`);
    return readFile(path, { encoding: 'utf8', signal }).catch((error) => Promise.reject(failed(error)));
  }
  let response;
  try {
    response = await fetch(source.url, { signal, headers: { accept: 'text/calendar, */*;q=0.5' } });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const cause = /** @type {{ cause?: { code?: string } }} */ (error).cause;
    throw retryable(`calendar "${name}": its server could not be reached (${cause?.code ?? /** @type {Error} */ (error).message})`);
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    throw retryable(`calendar "${name}": its server answered ${response.status}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw permanent(`calendar "${name}": its server answered ${response.status}`);
  }
  return readBody(name, response, signal);
}

/**
 * The body as text, refusing one larger than MAX_SOURCE_BYTES without holding more of it.
 * @param {string} name
 * @param {Response} response
 * @param {AbortSignal} signal
 */
async function readBody(name, response, signal) {
  if (response.body === null) return '';
  /** @type {Uint8Array[]} */
  const chunks = [];
  let size = 0;
  try {
    // Leaving the loop by a throw cancels the stream.
    for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (response.body))) {
      size += chunk.byteLength;
      if (size > MAX_SOURCE_BYTES) throw permanent(`calendar "${name}": its server sent more than ${MAX_SOURCE_BYTES} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (/** @type {Error} */ (error).name === 'KernelError') throw error;
    throw retryable(`calendar "${name}": the download broke off (${/** @type {Error} */ (error).message})`);
  }
  return Buffer.concat(chunks).toString('utf8');
}
