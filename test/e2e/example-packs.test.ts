/**
 * The repository's example packs installed as a user installs them, on `vextir start` run as a
 * child process, and run as their READMEs say: weather added with the real CLI
 * (`vextir packs add <folder> --yes`), standup over HTTP. Their sandboxed drivers reach the hosts
 * their manifests declare, pinned to loopback servers by the operator's VEXTIR_PACK_HOST_MAP.
 * Removal takes out their drivers, apps and instructions and keeps the user's data.
 * (github-triage: example-pack-github-triage.test.ts.)
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { resolve } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runVextir } from '../helpers/cli.js';
import { skipWithoutDovecot, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { startHostProcessSystem, type HostProcessSystem } from '../helpers/host-process-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { addPackWithConsent } from '../helpers/pack-install.js';
import type { RecordBody } from '../helpers/system-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { until } from '../helpers/until.js';

const noDovecot = skipWithoutDovecot();
const ALERTS_SECRET = 'alerts-secret-for-tests';
const IMAP_PASSWORD = 'imap-pw';

let system: HostProcessSystem;
let weatherApi: Server;
const weatherCalls: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
let receiver: WebhookReceiver;
let openai: ModelServer;
let dovecot: Dovecot | undefined;

beforeAll(async () => {
  // The weather provider the pack's README asks for: GET /current?location=.
  weatherApi = createServer((request, response) => {
    weatherCalls.push({ url: request.url ?? '', headers: request.headers });
    const location = new URL(request.url ?? '/', 'http://weather.test').searchParams.get('location');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ temperature: -3, conditions: 'snow', observedAt: '2026-01-05T08:00:00Z', location }));
  });
  await new Promise<void>((done) => weatherApi.listen(0, '127.0.0.1', done));
  receiver = await startWebhookReceiver();
  receiver.secret('/alerts', ALERTS_SECRET);
  openai = await startOpenAiServer();
  const mailboxes: unknown[] = [];
  if (!noDovecot) {
    dovecot = await startDovecot({ ada: IMAP_PASSWORD });
    const imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'ada', pass: IMAP_PASSWORD }, logger: false });
    await imap.connect();
    const now = new Date();
    await imap.append('INBOX', ['From: Dana Ops <dana@example.com>', 'To: ada@example.org', 'Subject: Release 2.4 is blocked', `Date: ${now.toUTCString()}`, 'Message-ID: <release24@example.com>', '', 'The CI job is flaky.', ''].join('\r\n'), [], now);
    await imap.logout();
    mailboxes.push({ id: 'ada-inbox', user: 'ada', host: dovecot.host, port: dovecot.port, secure: false, username: 'ada', passwordSetting: 'ADA_IMAP_PASSWORD' });
  }
  const receiverHost = new URL(receiver.url).host;
  system = await startHostProcessSystem(
    {
      VEXTIR_PACK_HOST_MAP: `weather.example.com=http://127.0.0.1:${(weatherApi.address() as { port: number }).port},hooks.slack.com=http://${receiverHost}`,
      OPENAI_API_KEY: 'sk-examples',
      OPENAI_BASE_URL: openai.url,
      ADA_IMAP_PASSWORD: IMAP_PASSWORD,
      ALERTS_WEBHOOK_SECRET: ALERTS_SECRET,
    },
    { mailboxes, notifications: { channels: [{ id: 'alerts', url: `${receiver.url}/alerts`, format: 'json', secretSetting: 'ALERTS_WEBHOOK_SECRET' }] } },
  );
}, 120_000);
afterAll(async () => {
  await system?.stop();
  await dovecot?.stop();
  await openai?.close();
  await receiver?.close();
  await new Promise((done) => weatherApi?.close(done));
});

async function json<T>(method: string, path: string, status: number, body?: unknown): Promise<T> {
  const response = await system.request('ada', method, path, { ...(body !== undefined && { body }), admin: true });
  const text = await response.text();
  assert.equal(response.status, status, `${method} ${path}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A context document that must still be there: its text. */
async function kept(path: string): Promise<string> {
  const response = await system.request('ada', 'GET', `/api/context${path}`);
  assert.equal(response.status, 200, path);
  return response.text();
}

const children = async (record: RecordBody): Promise<RecordBody[]> => Promise.all(record.children.map((id) => system.settled('ada', id)));

describe('the weather pack, added with the CLI', () => {
  it('installs its driver, /weather app and severe-weather instruction; answers weather.get from its declared host; alerts', async () => {
    const token = await system.token('ada', { admin: true });
    const added = await runVextir(['packs', 'add', resolve('examples/packs/weather'), '--yes', '--token', token], { url: system.url, dataDir: system.dataDir });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^added weather 1\.0\.0$/m);
    assert.match(added.stdout, /instruction severe_weather_alert/);

    const apps = await json<{ apps: Array<{ id: string; path: string }> }>('GET', '/api/ui-apps', 200);
    assert.deepEqual(apps.apps.map((app) => [app.id, app.path]), [['weather', '/weather']]);
    await json('GET', '/api/instructions/severe_weather_alert', 200);

    const asked = await system.settled('ada', await system.emit('ada', 'weather.get', { location: 'Oslo' }), (record) => record.status !== 'accepted' && record.drivers.length > 0);
    assert.deepEqual(asked.drivers.map((run) => [run.driver, run.status]), [['weather_tool', 'succeeded']]);
    const [data] = await children(asked);
    assert.deepEqual([data?.type, data?.event.data], ['weather.data', { location: 'Oslo', temperature: -3, conditions: 'snow', observedAt: '2026-01-05T08:00:00Z' }]);
    assert.deepEqual(weatherCalls.map((call) => [call.url, call.headers.host]), [['/current?location=Oslo', 'weather.example.com']]);

    // The severe-weather instruction: an urgent notification and a record under /Alerts/Weather.
    await system.emit('ada', 'weather.severe', { location: 'Oslo', severity: 'Severe', event: 'Storm', headline: 'Storm warning for Oslo tonight' });
    const alert = await until('the alert', async () => receiver.on('/alerts')[0]);
    assert.equal(alert.verification?.ok, true);
    assert.match(alert.body, /Storm warning for Oslo tonight/);
    const filed = await until('the filed alert', async () => {
      const { entries } = await json<{ entries: Array<{ path: string }> }>('GET', '/api/context?prefix=/Alerts/Weather', 200);
      return entries.find((entry) => entry.path.startsWith('/Alerts/Weather/'));
    });

    const removed = await json<{ removed: { instructions: string[]; apps: string[] } }>('DELETE', '/api/packs/weather', 200);
    assert.deepEqual([removed.removed.instructions, removed.removed.apps], [['severe_weather_alert'], ['weather']]);
    assert.deepEqual((await json<{ apps: unknown[] }>('GET', '/api/ui-apps', 200)).apps, []);
    await json('GET', '/api/instructions/severe_weather_alert', 404);
    const after = await system.settled('ada', await system.emit('ada', 'weather.get', { location: 'Bergen' }));
    assert.deepEqual(after.drivers, [], 'its driver no longer runs for her');
    assert.equal(weatherCalls.length, 1);
    // Kept: the alert it filed and the readings.
    assert.match(await kept(filed.path), /Storm warning for Oslo tonight/);
    const readings = await json<{ events: unknown[] }>('GET', '/api/events?type=weather.data', 200);
    assert.equal(readings.events.length, 1);
  });
});

describe.skipIf(noDovecot)('the standup pack, added over HTTP', () => {
  it('runs its instruction with its sandboxed calendar and chat drivers, then is removed keeping the summary', async () => {
    await addPackWithConsent(system, 'ada', { source: resolve('examples/packs/standup') }, { admin: true });
    const tasks = await system.request('ada', 'PUT', '/api/context/Tasks/Active', { body: '# Active tasks\n- [ ] Ship the billing export (bob)\n', headers: { 'content-type': 'text/markdown' } });
    assert.equal(tasks.status, 201);
    const day = new Date().toISOString().slice(0, 10);
    const summary = 'Release 2.4 is blocked on CI; the billing export is on track.';
    openai.script(
      '*',
      { toolCalls: [{ name: 'context_write', arguments: { path: `/Research/standup/${day}`, content: summary, contentType: 'text/markdown', metadata: { topic: 'standup', status: 'complete' } } }] },
      { json: { summary, documents: [`/Research/standup/${day}`], sources: ['/Tasks/Active'] } },
    );
    const run = await json<{ plan: string }>('POST', '/api/instructions/daily_standup/run', 202, { inputs: { mailbox: 'ada-inbox' } });
    type Plan = { plan: { status: string }; nodes: Array<{ id: string; status: string; output?: unknown; error?: unknown }> };
    const plan = await until('the plan', async () => {
      const response = await system.request('ada', 'GET', `/api/plans/${run.plan}`);
      const body = response.status === 200 ? ((await response.json()) as Plan) : (await response.arrayBuffer(), undefined);
      return body && ['completed', 'failed'].includes(body.plan.status) ? body : undefined;
    });
    assert.equal(plan.plan.status, 'completed', JSON.stringify(plan.nodes.map((node) => [node.id, node.status, node.error])));
    const output = (id: string) => plan.nodes.find((node) => node.id === id)?.output;
    // The calendar came from the pack's own sample.ics, read by its sandboxed driver.
    assert.equal((output('fetch_calendar') as { calendar: string }).calendar, 'team');
    assert.ok(Array.isArray((output('fetch_calendar') as { events: unknown[] }).events));
    assert.deepEqual(output('notify_team'), { channel: 'standup', status: 200 });
    const posts = receiver.on('/services/REPLACE/WITH/YOURS');
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.headers.host, 'hooks.slack.com');
    assert.deepEqual(JSON.parse(posts[0]!.body), { text: summary });

    const removed = await json<{ removed: { instructions: string[] } }>('DELETE', '/api/packs/standup', 200);
    assert.deepEqual(removed.removed.instructions, ['daily_standup']);
    await json('GET', '/api/instructions/daily_standup', 404);
    const fetched = await system.settled('ada', await system.emit('ada', 'calendar.fetch', { start: new Date().toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() }));
    assert.ok(!fetched.drivers.some((each) => each.driver === 'standup_calendar'), 'its drivers no longer run for her');
    assert.equal(await kept(`/Research/standup/${day}`), summary);
    assert.match(await kept('/Tasks/Active'), /billing export/);
  });
});
