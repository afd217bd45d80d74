/**
 * The example calendar driver, loaded as a user loads it (a project file read by the module
 * loader) and driven with calendar.fetch events through the kernel's processor: the sample
 * calendar, the parts of RFC 5545 it reads (all-day dates, TZID times across DST changes,
 * folding, escapes, recurrence), range filtering, and what fails how (bad requests and missing
 * files for good, an unreachable calendar server worth retrying). The README's configuration
 * snippet is loaded as written, and one test runs the driver on the embedded host over HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadDriverModules, readProjectFile, type Driver } from '../../src/drivers/index.js';
import type { Outcome } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';
import { startTestSystem } from '../helpers/local-system.js';

const MODULE = resolve('examples/packs/standup/calendar-driver.js');
const SAMPLE = resolve('examples/packs/standup/sample.ics');

interface CalendarEvent {
  uid: string;
  summary: string;
  start: string;
  end: string;
  location?: string;
  allDay: boolean;
}
interface FetchResult {
  calendar: string;
  timeZone: string;
  start: string;
  end: string;
  events: CalendarEvent[];
  skipped: number;
  skippedEvents?: Array<{ uid: string; summary?: string; reason: string }>;
}

let dir: string;
let server: Server;
let serverUrl: string;
let answers: number[] = [];

/** An iCalendar document around `lines`, CRLF-separated as RFC 5545 says. */
function ics(...lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

function vevent(uid: string, ...lines: string[]): string[] {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'];
}

/** Writes a project file listing the driver with `options` and loads it through the module loader. */
async function loadCalendarDriver(options: Record<string, unknown>): Promise<Driver> {
  const file = join(dir, `project-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, JSON.stringify({ drivers: [{ module: MODULE, options }] }));
  const project = readProjectFile(file);
  const [driver] = await loadDriverModules(project.drivers, project.baseDir);
  assert.ok(driver);
  return driver;
}

function calendarFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

let sequence = 0;
async function processFetch(driver: Driver, data: unknown): Promise<Outcome> {
  const { processor } = kernelFixture([driver]);
  return processor.process(makeEvent({ id: `fetch-${(sequence += 1)}`, type: 'calendar.fetch', data }), { deliveryCount: 1 });
}

/** The one answer to a calendar.fetch that completed. */
async function answer(driver: Driver, data: unknown): Promise<{ type: string; data: unknown }> {
  const outcome = await processFetch(driver, data);
  assert.equal(outcome.kind, 'complete', JSON.stringify(outcome));
  if (outcome.kind !== 'complete') throw new Error('unreachable');
  assert.equal(outcome.emissions.length, 1, 'one answer');
  const { type, data: answered } = outcome.emissions[0]!.event;
  return { type, data: answered };
}

async function fetchCalendar(driver: Driver, data: unknown): Promise<FetchResult> {
  const result = await answer(driver, data);
  assert.equal(result.type, 'calendar.fetch.result', JSON.stringify(result.data));
  return result.data as FetchResult;
}

/** The `error` event a permanent failure becomes. */
async function failure(driver: Driver, data: unknown): Promise<{ code: string; message: string; retryable: boolean }> {
  const result = await answer(driver, data);
  assert.equal(result.type, 'error', JSON.stringify(result.data));
  return result.data as { code: string; message: string; retryable: boolean };
}

const brief = (events: CalendarEvent[]) => events.map((event) => `${event.start} ${event.summary}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vextir-calendar-'));
  server = createServer((request, response) => {
    const status = answers.shift() ?? 200;
    if (status !== 200) return void response.writeHead(status).end('scripted');
    if (request.url === '/not-a-calendar') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in</html>');
    response.writeHead(200, { 'content-type': 'text/calendar' }).end(ics(...vevent('remote-1', 'SUMMARY:From the server', 'DTSTART:20260309T150000Z', 'DTEND:20260309T153000Z')));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('the sample calendar', () => {
  it('lists two weeks of a team calendar in its own zone, sorted by start', async () => {
    const driver = await loadCalendarDriver({ calendars: { team: { file: SAMPLE } } });
    const result = await fetchCalendar(driver, { start: '2026-03-02T00:00:00-05:00', end: '2026-03-14T00:00:00-04:00' });
    assert.equal(result.calendar, 'team');
    assert.equal(result.timeZone, 'America/New_York', 'X-WR-TIMEZONE names the zone');
    assert.deepEqual(brief(result.events), [
      '2026-03-02T09:15:00-05:00 Team Alpha standup',
      '2026-03-03T09:15:00-05:00 Team Alpha standup',
      '2026-03-03T14:00:00-05:00 1:1 Alice / Bob',
      '2026-03-04T09:15:00-05:00 Team Alpha standup',
      '2026-03-05 Design offsite',
      '2026-03-05T09:15:00-05:00 Team Alpha standup',
      '2026-03-06T09:15:00-05:00 Team Alpha standup',
      // The clocks went forward on Sunday 8 March: still 09:15 in New York.
      '2026-03-09T09:15:00-04:00 Team Alpha standup',
      '2026-03-10T09:15:00-04:00 Team Alpha standup',
      // 11 March is an EXDATE; on the 12th the occurrence moved (RECURRENCE-ID) after the all-hands.
      '2026-03-12T09:00:00-04:00 Company all-hands: Q1 results, Q2 plans',
      '2026-03-12T10:00:00-04:00 Team Alpha standup (moved after the all-hands)',
      '2026-03-13T09:15:00-04:00 Team Alpha standup',
    ]);
    const offsite = result.events.find((event) => event.uid === 'design-offsite-2026@example.com');
    assert.deepEqual(offsite, { uid: 'design-offsite-2026@example.com', summary: 'Design offsite', start: '2026-03-05', end: '2026-03-07', location: 'Lakeside Lodge', allDay: true });
    const allHands = result.events.find((event) => event.uid === 'all-hands-2026-03@example.com');
    assert.equal(allHands?.location, 'Auditorium, Building B');
    assert.equal(allHands?.end, '2026-03-12T10:00:00-04:00');
    assert.ok(!result.events.some((event) => event.summary === 'Vendor demo'), 'a cancelled event is not listed');
    assert.equal(result.skipped, 1);
    assert.deepEqual(result.skippedEvents, [{ uid: 'monthly-review@example.com', summary: 'Monthly review', reason: 'RRULE FREQ=MONTHLY is not supported (only DAILY and WEEKLY)' }]);
  });

  it('shows the times in the zone the options name', async () => {
    const driver = await loadCalendarDriver({ calendars: { team: { file: SAMPLE, timeZone: 'Europe/Berlin' } } });
    const result = await fetchCalendar(driver, { start: '2026-03-09T00:00:00Z', end: '2026-03-09T23:59:59Z' });
    assert.equal(result.timeZone, 'Europe/Berlin');
    assert.deepEqual(brief(result.events), ['2026-03-09T14:15:00+01:00 Team Alpha standup']);
  });
});

describe('reading iCalendar', () => {
  it('unfolds lines (CRLF or LF, space or tab) and unescapes text', async () => {
    const text = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:folded-1',
      'DTSTART:20260309T150000Z',
      'SUMMARY:Quarterly planning\\, part one\\; bring the numbers\\nand the ',
      ' roadmap (see C:\\\\plans\\\\q2)',
      'LOCATION;LANGUAGE=en:Room 4\\, Bui',
      '\tlding B\\NSecond floor',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\n');
    const driver = await loadCalendarDriver({ calendars: { folded: { file: calendarFile('folded.ics', text) } } });
    const [event] = (await fetchCalendar(driver, { start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z' })).events;
    assert.equal(event?.summary, 'Quarterly planning, part one; bring the numbers\nand the roadmap (see C:\\plans\\q2)');
    assert.equal(event?.location, 'Room 4, Building B\nSecond floor');
    assert.equal(event?.start, '2026-03-09T15:00:00Z', 'UTC when the calendar names no zone');
    assert.equal(event?.end, event?.start, 'no DTEND: a timed event ends when it starts');
  });

  it('converts TZID times with the zone rules on both sides of a DST change', async () => {
    const file = calendarFile('dst.ics', ics(
      ...vevent('before', 'SUMMARY:Before', 'DTSTART;TZID=America/New_York:20260307T120000', 'DTEND;TZID=America/New_York:20260307T130000'),
      ...vevent('after', 'SUMMARY:After', 'DTSTART;TZID="America/New_York":20260309T120000', 'DTEND;TZID=America/New_York:20260309T130000'),
      // 02:30 does not exist on 8 March (02:00 -> 03:00): read with the offset before the gap.
      ...vevent('gap', 'SUMMARY:In the gap', 'DTSTART;TZID=America/New_York:20260308T023000', 'DURATION:PT30M'),
      // 01:30 happens twice on 1 November: the first one (EDT).
      ...vevent('twice', 'SUMMARY:Twice', 'DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT1H'),
      ...vevent('daily', 'SUMMARY:Daily at 8', 'DTSTART;TZID=America/New_York:20260306T080000', 'DURATION:PT15M', 'RRULE:FREQ=DAILY;COUNT=4'),
    ));
    const driver = await loadCalendarDriver({ calendars: { dst: { file, timeZone: 'UTC' } } });
    const march = await fetchCalendar(driver, { start: '2026-03-06T00:00:00Z', end: '2026-03-12T00:00:00Z' });
    assert.deepEqual(march.events.map((event) => `${event.start}..${event.end} ${event.summary}`), [
      '2026-03-06T13:00:00Z..2026-03-06T13:15:00Z Daily at 8',
      '2026-03-07T13:00:00Z..2026-03-07T13:15:00Z Daily at 8',
      '2026-03-07T17:00:00Z..2026-03-07T18:00:00Z Before',
      '2026-03-08T07:30:00Z..2026-03-08T08:00:00Z In the gap',
      '2026-03-08T12:00:00Z..2026-03-08T12:15:00Z Daily at 8',
      '2026-03-09T12:00:00Z..2026-03-09T12:15:00Z Daily at 8',
      '2026-03-09T16:00:00Z..2026-03-09T17:00:00Z After',
    ]);
    const november = await fetchCalendar(driver, { start: '2026-11-01T00:00:00-04:00', end: '2026-11-02T00:00:00-05:00' });
    assert.deepEqual(brief(november.events), ['2026-11-01T05:30:00Z Twice']);
    assert.equal(november.events[0]?.end, '2026-11-01T06:30:00Z', 'PT1H is an exact hour, whatever the clocks do');
  });

  it('reads all-day events as whole days in the calendar zone, the end exclusive', async () => {
    const file = calendarFile('all-day.ics', ics(
      'X-WR-TIMEZONE:America/New_York',
      ...vevent('holiday', 'SUMMARY:Holiday', 'DTSTART;VALUE=DATE:20260305'),
      ...vevent('trip', 'SUMMARY:Trip', 'DTSTART;VALUE=DATE:20260305', 'DTEND;VALUE=DATE:20260308'),
    ));
    const driver = await loadCalendarDriver({ calendars: { days: { file } } });
    const firstHour = await fetchCalendar(driver, { start: '2026-03-05T00:00:00-05:00', end: '2026-03-05T01:00:00-05:00' });
    assert.deepEqual(firstHour.events, [
      { uid: 'holiday', summary: 'Holiday', start: '2026-03-05', end: '2026-03-06', allDay: true },
      { uid: 'trip', summary: 'Trip', start: '2026-03-05', end: '2026-03-08', allDay: true },
    ]);
    const eveBefore = await fetchCalendar(driver, { start: '2026-03-04T23:00:00-05:00', end: '2026-03-05T00:00:00-05:00' });
    assert.deepEqual(eveBefore.events, []);
    // 05:00 UTC on the 6th is midnight in New York: the holiday is over, the trip is not.
    const sixth = await fetchCalendar(driver, { start: '2026-03-06T05:00:00Z', end: '2026-03-06T06:00:00Z' });
    assert.deepEqual(brief(sixth.events), ['2026-03-05 Trip']);
  });

  it('keeps events that overlap the range, touching ends excluded', async () => {
    const file = calendarFile('range.ics', ics(
      ...vevent('ends-at-start', 'SUMMARY:Ends as the range starts', 'DTSTART:20260309T080000Z', 'DTEND:20260309T090000Z'),
      ...vevent('overlaps-start', 'SUMMARY:Overlaps the start', 'DTSTART:20260309T083000Z', 'DTEND:20260309T093000Z'),
      ...vevent('instant-at-start', 'SUMMARY:Reminder at the start', 'DTSTART:20260309T090000Z'),
      ...vevent('inside', 'SUMMARY:Inside', 'DTSTART:20260309T100000Z', 'DTEND:20260309T110000Z'),
      ...vevent('around', 'SUMMARY:Around the whole range', 'DTSTART:20260309T070000Z', 'DTEND:20260309T130000Z'),
      ...vevent('starts-at-end', 'SUMMARY:Starts as the range ends', 'DTSTART:20260309T120000Z', 'DTEND:20260309T130000Z'),
      ...vevent('other-day', 'SUMMARY:Another day', 'DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z'),
    ));
    const driver = await loadCalendarDriver({ calendars: { range: { file } } });
    const result = await fetchCalendar(driver, { start: '2026-03-09T09:00:00Z', end: '2026-03-09T12:00:00Z' });
    assert.deepEqual(result.events.map((event) => event.uid), ['around', 'overlaps-start', 'instant-at-start', 'inside']);
    assert.equal(result.start, '2026-03-09T09:00:00Z', 'the range as requested');
  });

  it('expands DAILY and WEEKLY rules with INTERVAL, COUNT, UNTIL, BYDAY and EXDATE', async () => {
    const file = calendarFile('rules.ics', ics(
      ...vevent('weekdays', 'SUMMARY:Weekdays', 'DTSTART:20260302T140000Z', 'RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=7'),
      ...vevent('every-3-days', 'SUMMARY:Every third day', 'DTSTART:20260301T160000Z', 'RRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20260310T160000Z'),
      ...vevent('tue-thu', 'SUMMARY:Tue and Thu', 'DTSTART:20260303T170000Z', 'RRULE:FREQ=WEEKLY;BYDAY=TH,TU', 'EXDATE:20260305T170000Z,20260310T170000Z'),
      ...vevent('fortnightly', 'SUMMARY:Every other Monday', 'DTSTART;VALUE=DATE:20260223', 'RRULE:FREQ=WEEKLY;INTERVAL=2'),
      ...vevent('old', 'SUMMARY:Years of Fridays', 'DTSTART:20150102T180000Z', 'RRULE:FREQ=WEEKLY'),
    ));
    const driver = await loadCalendarDriver({ calendars: { rules: { file } } });
    const result = await fetchCalendar(driver, { start: '2026-03-02T00:00:00Z', end: '2026-03-14T00:00:00Z' });
    const byUid = (uid: string) => result.events.filter((event) => event.uid === uid).map((event) => event.start);
    assert.deepEqual(byUid('weekdays'), ['2026-03-02T14:00:00Z', '2026-03-03T14:00:00Z', '2026-03-04T14:00:00Z', '2026-03-05T14:00:00Z', '2026-03-06T14:00:00Z', '2026-03-09T14:00:00Z', '2026-03-10T14:00:00Z']);
    assert.deepEqual(byUid('every-3-days'), ['2026-03-04T16:00:00Z', '2026-03-07T16:00:00Z', '2026-03-10T16:00:00Z']);
    assert.deepEqual(byUid('tue-thu'), ['2026-03-03T17:00:00Z', '2026-03-12T17:00:00Z']);
    assert.deepEqual(byUid('fortnightly'), ['2026-03-09']);
    assert.deepEqual(byUid('old'), ['2026-03-06T18:00:00Z', '2026-03-13T18:00:00Z']);
    assert.equal(result.skipped, 0);
  });

  it('reports what it cannot interpret as skipped, with the reason, and lists the rest', async () => {
    const file = calendarFile('odd.ics', ics(
      ...vevent('outlook', 'SUMMARY:Outlook meeting', 'DTSTART;TZID=Eastern Standard Time:20260309T100000'),
      ...vevent('yearly', 'SUMMARY:Birthday', 'DTSTART;VALUE=DATE:20200309', 'RRULE:FREQ=YEARLY'),
      ...vevent('broken', 'SUMMARY:Broken', 'DTSTART:2026-03-09'),
      ...vevent('backwards', 'SUMMARY:Backwards', 'DTSTART:20260309T100000Z', 'DTEND:20260309T090000Z'),
      ...vevent('later', 'SUMMARY:Broken but later', 'DTSTART:20260401T100000Z', 'RRULE:FREQ=HOURLY'),
      ...vevent('cancelled', 'SUMMARY:Cancelled anyway', 'DTSTART:20250309T100000Z', 'RRULE:FREQ=MONTHLY', 'STATUS:CANCELLED'),
      ...vevent('fine', 'SUMMARY:Fine', 'DTSTART:20260309T120000Z'),
    ));
    const driver = await loadCalendarDriver({ calendars: { odd: { file } } });
    const result = await fetchCalendar(driver, { start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z' });
    assert.deepEqual(brief(result.events), ['2026-03-09T12:00:00Z Fine']);
    assert.equal(result.skipped, 4, 'neither the one starting after the range nor the cancelled one is counted');
    assert.deepEqual(result.skippedEvents?.map((event) => [event.uid, event.reason]), [
      ['outlook', 'DTSTART has TZID "Eastern Standard Time", which is not an IANA time zone (VTIMEZONE definitions are not read)'],
      ['yearly', 'RRULE FREQ=YEARLY is not supported (only DAILY and WEEKLY)'],
      ['broken', 'DTSTART "2026-03-09" is not a DATE-TIME (YYYYMMDDTHHMMSS, optionally ending in Z)'],
      ['backwards', 'it ends before it starts'],
    ]);
  });
});

describe('failures', () => {
  it('refuses a bad request for good, naming the field', async () => {
    const driver = await loadCalendarDriver({ calendars: { work: { file: SAMPLE }, home: { file: SAMPLE } }, default: 'work' });
    const cases: Array<[unknown, RegExp]> = [
      [{ start: '2026-03-09', end: '2026-03-10T00:00:00Z' }, /data\.start must be an RFC 3339 date-time/],
      [{ start: '2026-03-09T00:00:00', end: '2026-03-10T00:00:00Z' }, /data\.start must be an RFC 3339 date-time with an offset/],
      [{ start: '2026-02-30T00:00:00Z', end: '2026-03-10T00:00:00Z' }, /data\.start/],
      [{ start: '2026-03-09T00:00:00Z', end: 20260310 }, /data\.end must be an RFC 3339/],
      [{ start: '2026-03-09T00:00:00Z', end: '2026-03-09T00:00:00Z' }, /data\.end must be after data\.start/],
      [{ start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' }, /data\.end must be at most 31 days after data\.start/],
      [{ start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z', calendar: 'office' }, /data\.calendar: no calendar "office" is configured \(calendars: work, home\)/],
      [{ start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z', since: 'yesterday' }, /data\.since is not a field of calendar\.fetch/],
      ['today', /data must be an object/],
    ];
    for (const [data, message] of cases) {
      const error = await failure(driver, data);
      assert.match(error.message, message);
      assert.equal(error.code, 'invalid_input');
      assert.equal(error.retryable, false);
    }
    const home = await fetchCalendar(driver, { start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z', calendar: 'home' });
    assert.equal(home.calendar, 'home');
  });

  it('needs data.calendar when several calendars are configured and none is the default', async () => {
    const driver = await loadCalendarDriver({ calendars: { work: { file: SAMPLE }, home: { file: SAMPLE } } });
    const error = await failure(driver, { start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z' });
    assert.match(error.message, /data\.calendar is required: several calendars are configured \(work, home\)/);
  });

  it('fails for good on a missing file or a text that is not iCalendar, without naming the path', async () => {
    const driver = await loadCalendarDriver({
      calendars: { gone: { file: join(dir, 'no-such.ics') }, html: { file: calendarFile('page.ics', '<html>Sign in</html>') }, cut: { file: calendarFile('cut.ics', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n') } },
      default: 'gone',
    });
    const range = { start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z' };
    const gone = await failure(driver, range);
    assert.equal(gone.message, 'calendar "gone": its file cannot be read (it does not exist)');
    assert.equal(gone.retryable, false);
    assert.match((await failure(driver, { ...range, calendar: 'html' })).message, /calendar "html": line 1 is not an iCalendar content line/);
    assert.match((await failure(driver, { ...range, calendar: 'cut' })).message, /calendar "cut" ends inside VCALENDAR > VEVENT \(a truncated file\?\)/);
  });

  it('reads a calendar URL, retries one that is down or unreachable, and fails for good on a 404', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const driver = await loadCalendarDriver({ calendars: { remote: { url: `${serverUrl}/alice.ics` }, nowhere: { url: `http://127.0.0.1:${closedPort}/x.ics` }, html: { url: `${serverUrl}/not-a-calendar` } }, default: 'remote' });
    const range = { start: '2026-03-09T00:00:00Z', end: '2026-03-10T00:00:00Z' };
    assert.deepEqual(brief((await fetchCalendar(driver, range)).events), ['2026-03-09T15:00:00Z From the server']);

    answers = [503];
    const down = await processFetch(driver, range);
    assert.equal(down.kind, 'retry');
    assert.match(down.kind === 'retry' ? down.error.message : '', /calendar "remote": its server answered 503/);

    const unreachable = await processFetch(driver, { ...range, calendar: 'nowhere' });
    assert.equal(unreachable.kind, 'retry');
    assert.match(unreachable.kind === 'retry' ? unreachable.error.message : '', /calendar "nowhere": its server could not be reached \(ECONNREFUSED\)/);
    assert.doesNotMatch(unreachable.kind === 'retry' ? unreachable.error.message : '', /127\.0\.0\.1/, 'the URL stays out of the message');

    answers = [404];
    const missing = await failure(driver, range);
    assert.equal(missing.message, 'calendar "remote": its server answered 404');
    assert.equal(missing.retryable, false);
    assert.match((await failure(driver, { ...range, calendar: 'html' })).message, /calendar "html": line 1 is not an iCalendar content line/);
  });

  it('stops the start on options it cannot use', async () => {
    await assert.rejects(loadCalendarDriver({}), /calendar driver: options\.calendars must name at least one calendar/);
    await assert.rejects(loadCalendarDriver({ calendars: { work: { file: SAMPLE, url: 'https://x.example/a.ics' } } }), /options\.calendars\.work needs exactly one of file and url/);
    await assert.rejects(loadCalendarDriver({ calendars: { work: { url: 'ftp://x.example/a.ics' } } }), /options\.calendars\.work\.url must be an http or https URL/);
    await assert.rejects(loadCalendarDriver({ calendars: { work: { file: SAMPLE, timeZone: 'Eastern' } } }), /options\.calendars\.work\.timeZone must be an IANA time zone/);
    await assert.rejects(loadCalendarDriver({ calendars: { work: { file: SAMPLE } }, default: 'home' }), /options\.default names no calendar/);
  });
});

describe("the README's example configuration", () => {
  it('loads the three example drivers, and the calendar answers from the sample', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Example drivers')))?.[1];
    assert.ok(yaml, 'the section has a vextir.config.yaml snippet');
    const project = readProjectFile(calendarFile('readme.yaml', yaml));
    // As if the file were at the repository's root, where the snippet's paths point.
    const drivers = await loadDriverModules(project.drivers, resolve('.'));
    assert.deepEqual(drivers.map((driver) => driver.manifest.id), ['weather_tool', 'calendar', 'chat_webhook']);
    const result = await fetchCalendar(drivers[1]!, { start: '2026-03-09T00:00:00-04:00', end: '2026-03-10T00:00:00-04:00' });
    assert.equal(result.calendar, 'team');
    assert.deepEqual(brief(result.events), ['2026-03-09T09:15:00-04:00 Team Alpha standup']);
  });
});

describe('on the embedded host', () => {
  it('answers calendar.fetch over HTTP with calendar.fetch.result', async () => {
    const system = await startTestSystem({ drivers: [{ module: MODULE, options: { calendars: { team: { file: SAMPLE } } } }] });
    try {
      const id = await system.emit('alice', 'calendar.fetch', { start: '2026-03-09T00:00:00-04:00', end: '2026-03-10T00:00:00-04:00' });
      const record = await system.settled('alice', id);
      assert.equal(record.status, 'processed');
      const child = await system.settled('alice', record.children[0]!);
      assert.equal(child.event.type, 'calendar.fetch.result');
      assert.deepEqual(brief((child.event.data as FetchResult).events), ['2026-03-09T09:15:00-04:00 Team Alpha standup']);
    } finally {
      await system.stop();
    }
  });
});
