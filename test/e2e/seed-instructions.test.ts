/**
 * The seed's instructions, end to end on the embedded host over HTTP, as a user would run them:
 * the YAML files of examples/ posted to /api/instructions as they are written.
 *
 * - Daily Standup Assistant (examples/packs/standup/standup.yaml): the three fetches run in parallel
 *   against real peers — a mailbox on Dovecot (the built-in imap driver), an .ics file (the
 *   example calendar driver), a document put over HTTP (the context driver) — then the built-in
 *   research agent writes the summary (OpenAI's wire format on loopback, scripted), and the
 *   example chat driver posts it to a webhook. Skipped, saying so, when Dovecot is missing.
 * - Severe Weather Alert (examples/packs/weather/severe-weather.yaml): an event trigger with a
 *   condition; an urgent notification and a Context Hub record, in parallel.
 * - A cron trigger firing on the embedded host's scheduler (a seconds pattern, a short tick),
 *   and the schedule going with its instruction.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { skipWithoutDovecot, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const noDovecot = skipWithoutDovecot();
const IMAP_PASSWORD = 'imap-pass-alice';
const ALERTS_SECRET = 'whsec-alerts-0123456789';
const STANDUP_YAML = readFileSync(resolve('examples/packs/standup/standup.yaml'), 'utf8');
const WEATHER_YAML = readFileSync(resolve('examples/packs/weather/severe-weather.yaml'), 'utf8');
const HOUR = 3_600_000;

let receiver: WebhookReceiver;
let openai: ModelServer;
let dovecot: Dovecot | undefined;
let dir: string;
let system: TestSystem;

interface NodeBody {
  id: string;
  status: string;
  readyAt?: string;
  finishedAt?: string;
  output?: unknown;
  error?: { code: string; message: string };
  attempts: Array<{ requestId?: string }>;
}
interface PlanBody {
  plan: { id: string; status: string; outputs?: Record<string, unknown>; trigger: { id: string; type: string; time: string }; progress: { nodes: number; done: number } };
  nodes: NodeBody[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A request that must answer `status`; its JSON body. */
async function call<T>(user: string, method: string, path: string, status: number, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const response = await system.request(user, method, path, init);
  const text = await response.text();
  assert.equal(response.status, status, `${method} ${path}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

async function finished(user: string, planId: string): Promise<PlanBody> {
  for (let i = 0; i < 600; i += 1) {
    const response = await system.request(user, 'GET', `/api/plans/${planId}`);
    if (response.status === 200) {
      const body = (await response.json()) as PlanBody;
      if (['completed', 'failed', 'cancelled'].includes(body.plan.status)) return body;
    } else {
      await response.arrayBuffer(); // not created yet: the run's event is still on its way
    }
    await sleep(50);
  }
  throw new Error(`plan ${planId} did not finish`);
}

async function plansOf(user: string, instruction: string): Promise<Array<PlanBody['plan']>> {
  return (await call<{ plans: Array<PlanBody['plan']> }>(user, 'GET', `/api/plans?instruction=${instruction}`, 200)).plans;
}

const byId = (body: PlanBody) => Object.fromEntries(body.nodes.map((node) => [node.id, node]));
const time = (value: string | undefined) => new Date(value ?? Number.NaN).getTime();
/** An .ics time in UTC: 20261203T100000Z. */
const icsTime = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function mail(subject: string, from: string, body: string, date: Date): string {
  return [`From: ${from}`, 'To: alice@example.org', `Subject: ${subject}`, `Date: ${date.toUTCString()}`, `Message-ID: <${subject.replace(/\W/g, '')}@example.com>`, '', body, ''].join('\r\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vextir-seed-'));
  receiver = await startWebhookReceiver();
  receiver.secret('/alerts', ALERTS_SECRET);
  openai = await startOpenAiServer();
  const now = new Date();
  // Today's meeting: in an hour, so within the step's next 24 hours.
  const meeting = new Date(now.getTime() + HOUR);
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Vextir OS tests//EN', 'BEGIN:VEVENT', 'UID:design-review@example.com', `DTSTAMP:${icsTime(now)}`, `DTSTART:${icsTime(meeting)}`, `DTEND:${icsTime(new Date(meeting.getTime() + HOUR / 2))}`, 'SUMMARY:Design review: checkout flow', 'END:VEVENT', 'END:VCALENDAR', ''];
  writeFileSync(join(dir, 'team.ics'), ics.join('\r\n'));
  const mailboxes: unknown[] = [];
  if (!noDovecot) {
    dovecot = await startDovecot({ alice: IMAP_PASSWORD });
    // Appended before the host starts: its watcher begins at the mailbox's end, so no
    // email.received starts the email assistant (whose model calls would take the script's replies).
    const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'alice', pass: IMAP_PASSWORD }, logger: false });
    await imap.connect();
    await imap.append('INBOX', mail('Release 2.4 is blocked on the flaky CI job', 'Dana Ops <dana@example.com>', 'The integration job fails one run in three.', now), [], now);
    const old = new Date(now.getTime() - 72 * HOUR);
    await imap.append('INBOX', mail('Quarterly offsite menu', 'Facilities <facilities@example.com>', 'Vote for lunch.', old), [], old);
    await imap.logout();
    mailboxes.push({ id: 'alice-inbox', user: 'alice', host: dovecot.host, port: dovecot.port, secure: false, username: 'alice', passwordSetting: 'ALICE_IMAP_PASSWORD' });
  }
  system = await startTestSystem({
    env: { OPENAI_API_KEY: 'sk-seed', OPENAI_BASE_URL: openai.url, ALICE_IMAP_PASSWORD: IMAP_PASSWORD, ALERTS_WEBHOOK_SECRET: ALERTS_SECRET, VEXTIR_SCHEDULER_TICK_MS: '100' },
    drivers: [
      { module: resolve('examples/packs/standup/calendar-driver.js'), options: { calendars: { team: { file: join(dir, 'team.ics'), timeZone: 'America/New_York' } } } },
      { module: resolve('examples/packs/standup/chat-driver.js'), options: { channels: { standup: { url: `${receiver.url}/standup` } } } },
    ],
    project: { mailboxes, notifications: { channels: [{ id: 'alerts', url: `${receiver.url}/alerts`, format: 'json', secretSetting: 'ALERTS_WEBHOOK_SECRET' }] } },
  });
});

afterAll(async () => {
  await system?.stop();
  await dovecot?.stop();
  await openai?.close();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(noDovecot)('Daily Standup Assistant (examples/packs/standup/standup.yaml)', () => {
  it('fetches mail, meetings and tasks in parallel, has the research agent summarize them, and posts the summary to the standup channel', async () => {
    const tasks = '# Active tasks\n- [ ] Ship the billing export (bob), due Friday\n- [ ] Fix the flaky CI job on main (charlie), blocked: needs a runner\n';
    await call('alice', 'PUT', '/api/context/Tasks/Active', 201, { body: tasks, headers: { 'content-type': 'text/markdown' } });
    const summary = 'Release 2.4 is blocked on the flaky CI job; the checkout design review is today; the billing export is on track for Friday.';
    const day = new Date().toISOString().slice(0, 10);
    // The research agent files its findings first (as its prompt asks), then answers with its output schema.
    openai.script(
      '*',
      { toolCalls: [{ name: 'context_write', arguments: { path: `/Research/standup/${day}`, content: `# Standup ${day}\n\n${summary}`, contentType: 'text/markdown', metadata: { topic: 'standup', status: 'complete' } } }] },
      { json: { summary, documents: [`/Research/standup/${day}`], sources: ['/Tasks/Active'] } },
    );

    const saved = await call<{ id: string; steps: number; schedule: string }>('alice', 'POST', '/api/instructions', 201, { body: STANDUP_YAML, headers: { 'content-type': 'application/yaml' } });
    assert.deepEqual([saved.id, saved.steps, saved.schedule], ['daily_standup', 5, 'instruction-daily_standup']);
    const schedule = await call<{ cron: string; timezone: string; status: string; event: { type: string; data: unknown } }>('alice', 'GET', '/api/schedules/instruction-daily_standup', 200);
    assert.deepEqual([schedule.cron, schedule.timezone, schedule.status], ['0 9 * * MON-FRI', 'America/New_York', 'active']);
    assert.deepEqual(schedule.event, { type: 'instruction.run', data: { instruction: 'daily_standup' } });

    const run = await call<{ plan: string; event: string }>('alice', 'POST', '/api/instructions/daily_standup/run', 202, { body: { inputs: { mailbox: 'alice-inbox' } } });
    const body = await finished('alice', run.plan);
    const nodes = byId(body);
    assert.equal(body.plan.status, 'completed', JSON.stringify(body.nodes.map((node) => [node.id, node.status, node.error])));
    assert.deepEqual(body.nodes.map((node) => `${node.id}:${node.status}`), ['fetch_emails:completed', 'fetch_calendar:completed', 'read_tasks:completed', 'generate_summary:completed', 'notify_team:completed']);

    // In parallel: the three fetches started at one instant, before any of them finished; the summary after all three.
    const fetches = [nodes['fetch_emails']!, nodes['fetch_calendar']!, nodes['read_tasks']!];
    const ready = fetches[0]!.readyAt!;
    assert.deepEqual(fetches.map((node) => node.readyAt), [ready, ready, ready]);
    const lastDone = Math.max(...fetches.map((node) => time(node.finishedAt)));
    assert.ok(time(ready) < Math.min(...fetches.map((node) => time(node.finishedAt))), 'the three fetches overlap');
    assert.ok(time(nodes['generate_summary']!.readyAt) >= lastDone, 'the summary starts after the last fetch');
    assert.ok(time(nodes['notify_team']!.readyAt) >= time(nodes['generate_summary']!.finishedAt));

    // The fetches' answers, as the steps hold them.
    const emails = nodes['fetch_emails']!.output as { mailbox: string; messages: Array<{ subject: string }> };
    assert.deepEqual(emails.messages.map((message) => message.subject), ['Release 2.4 is blocked on the flaky CI job'], 'only the last 24 hours');
    const calendar = nodes['fetch_calendar']!.output as { calendar: string; events: Array<{ summary: string }> };
    assert.deepEqual(calendar.events.map((event) => event.summary), ['Design review: checkout flow']);
    assert.equal((nodes['read_tasks']!.output as { entry: { content: string } }).entry.content, tasks);

    // `now` is that instant in each: mail since 24 hours before it, meetings from it.
    const [fetchMail, fetchCalendar] = await Promise.all(fetches.slice(0, 2).map((node) => system.settled('alice', node.attempts[0]!.requestId!)));
    assert.equal(time((fetchMail!.event.data as { since: string }).since), time(ready) - 24 * HOUR);
    assert.deepEqual(fetchCalendar!.event.data, { start: ready, end: new Date(time(ready) + 24 * HOUR).toISOString() });

    // The research request was rendered from the three outputs and the default team.
    const request = await system.settled('alice', nodes['generate_summary']!.attempts[0]!.requestId!);
    assert.equal(request.event.type, 'research.request');
    const data = request.event.data as { topic: string; query: string; team_members: string[] };
    assert.deepEqual(data.team_members, ['alice', 'bob', 'charlie']);
    for (const expected of ['alice, bob, charlie', 'Release 2.4 is blocked on the flaky CI job', 'Design review: checkout flow', 'Ship the billing export (bob)', 'blocked: needs a runner']) assert.ok(data.query.includes(expected), `the query has "${expected}": ${data.query}`);
    assert.ok(!data.query.includes('Quarterly offsite menu'), 'older mail is left out');
    // ... and reached the model (the sender's address redacted on the way: the default pii-protection policy).
    const sent = JSON.stringify(openai.requests[0]?.body.messages);
    for (const expected of ['Release 2.4 is blocked on the flaky CI job', 'Design review: checkout flow', 'Ship the billing export']) assert.ok(sent.includes(expected), `the model got "${expected}"`);
    assert.ok(!sent.includes('dana@example.com'));
    assert.equal(openai.requests.length, 2, 'one tool round, then the answer');

    // The agent filed its findings, and its summary is the step's output.
    const filed = await system.request('alice', 'GET', `/api/context/Research/standup/${day}`);
    assert.equal(filed.status, 200);
    assert.match(await filed.text(), /billing export is on track/);
    assert.equal((nodes['generate_summary']!.output as { output: { summary: string } }).output.summary, summary);

    // Posted to the standup channel's webhook, once.
    const posts = receiver.on('/standup');
    assert.equal(posts.length, 1);
    assert.deepEqual(JSON.parse(posts[0]!.body), { text: summary });
    assert.deepEqual(nodes['notify_team']!.output, { channel: 'standup', status: 200 });
    assert.deepEqual(body.plan.outputs, { summary, posted: { channel: 'standup', status: 200 } });
    assert.deepEqual(body.plan.progress, { nodes: 5, done: 5, active: 0 });
  });
});

describe('Severe Weather Alert (examples/packs/weather/severe-weather.yaml)', () => {
  it('starts a plan only for a severe weather.severe, which sends an urgent notification and files the alert, in parallel', async () => {
    const saved = await call<{ id: string; trigger: { event: string } }>('wes', 'POST', '/api/instructions', 201, { body: WEATHER_YAML, headers: { 'content-type': 'application/yaml' } });
    assert.deepEqual([saved.id, saved.trigger.event], ['severe_weather_alert', 'weather.severe']);

    const mild = await system.emit('wes', 'weather.severe', { location: 'Oslo', severity: 'Moderate', event: 'Wind', headline: 'Gusts up to 15 m/s' });
    assert.equal((await system.settled('wes', mild)).status, 'processed');
    const storm = { location: 'Bergen', severity: 'Severe', event: 'Storm', headline: 'Storm warning for Bergen tonight', expires: '2026-12-04T06:00:00Z' };
    const severe = await system.emit('wes', 'weather.severe', storm);
    const record = (await system.settled('wes', severe)) as RecordBody & { event: { time: string } };
    assert.ok(record.drivers.some((driver) => driver.driver === 'plans'), 'the plans driver saw it');

    let plans: Array<PlanBody['plan']> = [];
    for (let i = 0; i < 200 && plans.length === 0; i += 1) {
      plans = await plansOf('wes', 'severe_weather_alert');
      if (plans.length === 0) await sleep(50);
    }
    const body = await finished('wes', plans[0]!.id);
    assert.equal(body.plan.status, 'completed', JSON.stringify(body.nodes.map((node) => [node.id, node.status, node.error])));
    assert.equal(body.plan.trigger.id, severe);
    const { notify, record: filed } = byId(body);
    assert.ok(notify && filed);
    assert.ok(Math.max(time(notify.readyAt), time(filed.readyAt)) <= Math.min(time(notify.finishedAt), time(filed.finishedAt)), 'both steps ran at once');
    assert.equal((await plansOf('wes', 'severe_weather_alert')).length, 1, 'the moderate event started none');

    // The urgent notification, signed, on the configured channel.
    const hits = receiver.on('/alerts');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.verification?.ok, true);
    const posted = JSON.parse(hits[0]!.body) as Record<string, unknown>;
    assert.equal(posted['priority'], 'urgent');
    assert.deepEqual([posted['channel'], posted['title'], posted['text'], posted['data']], ['alerts', 'Severe weather: Storm in Bergen', 'Storm warning for Bergen tonight', storm]);
    assert.equal((notify.output as { status: number }).status, 200);

    // The record, under /Alerts/Weather/<day>/<event id>, with the location and severity as metadata.
    const path = `/Alerts/Weather/${record.event.time.slice(0, 10)}/${severe}`;
    assert.equal((filed.output as { path: string }).path, path);
    const entry = await call<{ content: unknown; metadata: Record<string, unknown> }>('wes', 'GET', `/api/context${path}?view=entry`, 200);
    assert.deepEqual(entry.content, storm);
    assert.deepEqual(entry.metadata, { location: 'Bergen', severity: 'Severe', event: severe });
  });
});

describe('a cron trigger on the embedded host', () => {
  it('starts plans from its schedule at each slot; deleting the instruction removes the schedule', async () => {
    const instruction = { id: 'heartbeat', trigger: { schedule: '*/2 * * * * *' }, plan: [{ id: 'beat', action: 'emit_event', event: { type: 'demo.ping', data: { slot: '{{ trigger.time }}' } } }] };
    const saved = await call<{ schedule: string }>('cara', 'POST', '/api/instructions', 201, { body: instruction });
    assert.equal(saved.schedule, 'instruction-heartbeat');
    const schedule = await call<{ cron: string; timezone: string }>('cara', 'GET', '/api/schedules/instruction-heartbeat', 200);
    assert.deepEqual([schedule.cron, schedule.timezone], ['*/2 * * * * *', 'UTC']);

    let plans: Array<PlanBody['plan']> = [];
    for (let i = 0; i < 200 && plans.filter((plan) => plan.status === 'completed').length < 2; i += 1) {
      await sleep(50);
      plans = await plansOf('cara', 'heartbeat');
    }
    const done = plans.filter((plan) => plan.status === 'completed');
    assert.ok(done.length >= 2, `two slots ran: ${JSON.stringify(plans)}`);
    const slots = done.map((plan) => time(plan.trigger.time)).sort();
    assert.ok(slots.every((slot) => slot % 2000 === 0), 'each at its slot, on an even second');
    assert.ok(slots[1]! - slots[0]! >= 2000);
    for (const plan of done) {
      assert.equal(plan.trigger.type, 'instruction.run');
      assert.match(plan.trigger.id, /^sch-instruction-heartbeat\./);
      const started = await system.settled('cara', plan.trigger.id);
      assert.equal((started.event as { source?: string }).source, '/schedules/instruction-heartbeat');
      const [beat] = (await finished('cara', plan.id)).nodes;
      assert.deepEqual((beat?.output as { echo: unknown }).echo, { slot: plan.trigger.time });
    }

    await call('cara', 'DELETE', '/api/instructions/heartbeat', 204);
    await call('cara', 'GET', '/api/schedules/instruction-heartbeat', 404);
    await sleep(500); // a slot already on its way may still arrive (and find no instruction)
    const after = (await plansOf('cara', 'heartbeat')).length;
    await sleep(2500);
    assert.equal((await plansOf('cara', 'heartbeat')).length, after, 'no slot fires once the instruction is gone');
  });
});
