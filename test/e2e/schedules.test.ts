/**
 * Schedules end to end on the embedded default, over HTTP and the CLI: a one-time event
 * delivered at its instant and processed like any event, a recurring schedule paused, resumed
 * and deleted, validation naming each field, one user's schedules invisible to another, the
 * audit trail; and a slot that comes due while the host is killed fires once after the restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { runVextir } from '../helpers/cli.js';
import { freePort, startHostProcess } from '../helpers/local-host-process.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

interface ScheduleBody {
  id: string;
  status: string;
  nextFireAt?: string;
  fired: number;
  lastEventId?: string;
  lastFiredAt?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ env: { VEXTIR_SCHEDULER_TICK_MS: '200' } });
});
afterAll(() => system.stop());

async function schedule(user: string, id: string): Promise<ScheduleBody> {
  const response = await system.request(user, 'GET', `/api/schedules/${id}`);
  assert.equal(response.status, 200);
  return (await response.json()) as ScheduleBody;
}

async function until(user: string, id: string, done: (body: ScheduleBody) => boolean): Promise<ScheduleBody> {
  for (let i = 0; i < 200; i += 1) {
    const body = await schedule(user, id);
    if (done(body)) return body;
    await sleep(50);
  }
  throw new Error(`schedule ${id} did not get there in time`);
}

describe('schedules over HTTP', () => {
  it('delivers a one-time event at its instant, processed and recorded like any event', async () => {
    const at = new Date(Date.now() + 1500).toISOString();
    const created = await system.request('sam', 'POST', '/api/schedules', { body: { id: 'remind-me', name: 'A reminder', event: { type: 'reminder.due', data: { text: 'water the plants' } }, at } });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('location'), '/api/schedules/remind-me');
    assert.equal(((await created.json()) as ScheduleBody).nextFireAt, at);
    const done = await until('sam', 'remind-me', (body) => body.status === 'completed');
    assert.equal(done.fired, 1);
    const record = await system.settled('sam', done.lastEventId!);
    assert.equal(record.status, 'processed');
    assert.equal(record.event.type, 'reminder.due');
    assert.deepEqual(record.event.data, { text: 'water the plants' });
    const full = (await (await system.request('sam', 'GET', `/api/events/${done.lastEventId}`)).json()) as { event: { source: string; time: string }; updatedAt: string };
    assert.equal(full.event.source, '/schedules/remind-me');
    assert.equal(full.event.time, at);
    assert.ok(full.updatedAt >= at, `processed at ${full.updatedAt}, before its instant ${at}`);
    const audit = (await (await system.request('sam', 'GET', '/api/audit?limit=500')).json()) as { entries: Array<{ action: string; target?: string; eventId?: string }> };
    assert.ok(audit.entries.some((entry) => entry.action === 'schedule.create' && entry.target === 'remind-me'));
  });

  it('pauses, resumes and deletes a recurring schedule; another user sees none of it', async () => {
    const created = await system.request('sam', 'POST', '/api/schedules', { body: { id: 'every-second', event: { type: 'heartbeat.beat' }, cron: '* * * * * *' } });
    assert.equal(created.status, 201);
    await until('sam', 'every-second', (body) => body.fired >= 2);
    const paused = (await (await system.request('sam', 'POST', '/api/schedules/every-second/pause')).json()) as ScheduleBody;
    assert.equal(paused.status, 'paused');
    const firedWhenPaused = (await schedule('sam', 'every-second')).fired;
    await sleep(1500);
    assert.equal((await schedule('sam', 'every-second')).fired, firedWhenPaused, 'fired while paused');
    assert.equal((await system.request('bob', 'GET', '/api/schedules/every-second')).status, 404);
    assert.equal((await system.request('bob', 'POST', '/api/schedules/every-second/resume')).status, 404);
    assert.deepEqual(((await (await system.request('bob', 'GET', '/api/schedules')).json()) as { schedules: unknown[] }).schedules, []);
    const resumed = (await (await system.request('sam', 'POST', '/api/schedules/every-second/resume')).json()) as ScheduleBody;
    assert.equal(resumed.status, 'active');
    await until('sam', 'every-second', (body) => body.fired > firedWhenPaused);
    assert.equal((await system.request('sam', 'DELETE', '/api/schedules/every-second')).status, 204);
    assert.equal((await system.request('sam', 'GET', '/api/schedules/every-second')).status, 404);
    const beats = (await (await system.request('sam', 'GET', '/api/events?type=heartbeat.beat&limit=100')).json()) as { events: Array<{ event: { time: string } }> };
    const times = beats.events.map((record) => record.event.time);
    assert.equal(new Set(times).size, times.length, 'a slot fired twice');
  });

  it('answers 400 naming every bad field, and 401 without a token', async () => {
    const response = await system.request('sam', 'POST', '/api/schedules', { body: { event: { type: 'x' }, cron: '0 25 * * *', timezone: 'Nowhere/Land' } });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    const problem = (await response.json()) as { errors: Array<{ pointer: string; reason: string }> };
    assert.deepEqual(problem.errors.map((error) => error.pointer), ['/timezone']);
    const cron = (await (await system.request('sam', 'POST', '/api/schedules', { body: { event: { type: 'x' }, cron: '0 25 * * *' } })).json()) as { errors: Array<{ pointer: string; reason: string }> };
    assert.equal(cron.errors[0]?.pointer, '/cron');
    assert.equal((await system.request(undefined, 'GET', '/api/schedules')).status, 401);
  });

  it('is managed from the terminal', async () => {
    const cli = (...args: string[]) => runVextir(['schedules', ...args], { url: system.url, dataDir: system.dataDir, user: 'cleo' });
    const added = await cli('add', '--type', 'standup.start', '--cron', '0 9 * * 1-5', '--tz', 'Europe/Oslo', '--id', 'standup', '--data', '{"team":"core"}');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^created schedule standup: standup.start cron "0 9 \* \* 1-5" Europe\/Oslo, next at \d{4}-\d\d-\d\dT0[78]:00:00.000Z$/m);
    assert.match((await cli('ls')).stdout, /^standup\s+active\s+standup.start\s+cron "0 9 \* \* 1-5" Europe\/Oslo\s+next \S+\s+fired 0$/m);
    assert.match((await cli('pause', 'standup')).stdout, /^standup\s+paused\s/m);
    assert.match((await cli('resume', 'standup')).stdout, /^standup\s+active\s/m);
    const bad = await cli('add', '--type', 'x', '--cron', 'soon');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /400 .*\n\s+\/cron: "soon" has 1 fields/);
    assert.match((await cli('rm', 'standup')).stdout, /^deleted schedule standup$/m);
    assert.match((await cli('ls')).stdout, /^no schedules/m);
  });
});

describe('a slot due while the host is down', () => {
  it('fires once after a SIGKILL and a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vextir-schedule-restart-'));
    try {
      const port = await freePort();
      const env = { VEXTIR_SCHEDULER_TICK_MS: '200' };
      const first = await startHostProcess(dataDir, port, env);
      const token = await signDevToken(loadOrCreateDevSecret(dataDir), 'dana');
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const at = new Date(Date.now() + 2500).toISOString();
      const created = await fetch(`${first.url}/api/schedules`, { method: 'POST', headers, body: JSON.stringify({ id: 'while-down', event: { type: 'report.nightly' }, at }) });
      assert.equal(created.status, 201);
      first.child.kill('SIGKILL');
      await first.exited;
      await sleep(Math.max(0, new Date(at).getTime() - Date.now()) + 500);
      const second = await startHostProcess(dataDir, port, env);
      try {
        let body: ScheduleBody | undefined;
        for (let i = 0; i < 100 && body?.status !== 'completed'; i += 1) {
          body = (await (await fetch(`${second.url}/api/schedules/while-down`, { headers })).json()) as ScheduleBody;
          if (body.status !== 'completed') await sleep(100);
        }
        assert.equal(body?.status, 'completed');
        assert.equal(body?.fired, 1);
        await sleep(600); // a few more ticks: nothing fires again
        const events = (await (await fetch(`${second.url}/api/events?type=report.nightly`, { headers })).json()) as { events: Array<{ id: string }> };
        assert.deepEqual(events.events.map((record) => record.id), [body?.lastEventId]);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
