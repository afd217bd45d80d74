/**
 * The embedded host with processor threads, over HTTP: events ingested by the HTTP thread are
 * processed in the threads (the HTTP thread's own processor runs nothing), the live stream sees
 * them settle, the metrics and driver statistics count them, a policy changed through the API
 * applies in the threads at once (the policy cache is kept for a minute here, so only the shared
 * cache generation can make it so), and a thread that dies is restarted, its event redelivered.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startLocal } from '../../src/hosts/embedded/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const PINGS = 40;
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    drivers: [{ module: resolve('test/fixtures/drivers/thread-crash-driver.js') }],
    env: { VEXTIR_PROCESSOR_THREADS: '2', VEXTIR_POLICY_CACHE_MS: '60000' },
  });
});
afterAll(() => system.stop());

/** Follows GET /api/stream until `until` holds for the records seen; returns them by id. */
async function watch(user: string, filter: string, until: (seen: Map<string, string>) => boolean): Promise<{ ready: Promise<void>; seen: Promise<Map<string, string>> }> {
  const stop = new AbortController();
  const response = await fetch(`${system.url}/api/stream?filter=${filter}`, { headers: { authorization: `Bearer ${await system.token(user)}` }, signal: stop.signal });
  assert.equal(response.status, 200);
  const seen = new Map<string, string>();
  let connected!: () => void;
  const ready = new Promise<void>((done) => (connected = done));
  const done = (async () => {
    const parser = createParser({
      onEvent: (message) => {
        const { id, type } = JSON.parse(message.data) as { id: string; type: string };
        if (message.event === 'processed') seen.set(id, type);
        if (until(seen)) stop.abort();
      },
      onComment: () => connected(),
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
    return seen;
  })();
  const timeout = setTimeout(() => stop.abort(), 30_000);
  return { ready, seen: done.finally(() => clearTimeout(timeout)) };
}

async function metric(line: RegExp): Promise<number> {
  const text = await (await system.request('ops', 'GET', '/api/metrics')).text();
  return Number(line.exec(text)?.[1] ?? Number.NaN);
}

/** Reads until `ok` holds, for up to 30 s: a restarted thread loads every module again, slow on a busy machine. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (const deadline = Date.now() + 30_000; !ok(value) && Date.now() < deadline; ) {
    await new Promise((done) => setTimeout(done, 50));
    value = await read();
  }
  return value;
}

describe('processor threads', () => {
  it('processes what the HTTP thread ingests; the stream, the metrics and the driver statistics see it', async () => {
    const stream = await watch('ann', 'demo.*', (seen) => seen.size >= 2 * PINGS);
    await stream.ready;
    const ids = await Promise.all(Array.from({ length: PINGS }, (_, i) => system.emit('ann', 'demo.ping', { i })));
    const seen = await stream.seen;
    assert.deepEqual(ids.filter((id) => seen.get(id) !== 'demo.ping'), [], 'the stream saw every ping processed');
    assert.equal([...seen.values()].filter((type) => type === 'demo.pong').length, PINGS, 'and every pong');

    assert.equal(await metric(/^vextir_events_settled_total\{type="demo\.ping",status="processed"\} (\S+)$/m), PINGS);
    assert.equal(await metric(/^vextir_events_settled_total\{type="demo\.pong",status="processed"\} (\S+)$/m), PINGS);
    assert.equal(await metric(/^vextir_driver_duration_seconds_count\{driver="ping",status="succeeded"\} (\S+)$/m), PINGS);
    const drivers = await eventually(
      async () =>
        (
          (await (await system.request('ops', 'GET', '/api/drivers')).json()) as {
            drivers: Array<{ manifest: { id: string }; stats: { invocations: number; latencyMs: { samples: number }; health: { status: string }; lastRunAt: string | null } }>;
          }
        ).drivers,
      (list) => list.find((driver) => driver.manifest.id === 'ping')?.stats.invocations === PINGS,
    );
    const ping = drivers.find((driver) => driver.manifest.id === 'ping')?.stats;
    assert.equal(ping?.invocations, PINGS);
    assert.equal(ping?.latencyMs.samples, PINGS, 'the latency of the runs in the threads');
    assert.equal(ping?.health.status, 'ok');
    assert.ok(ping?.lastRunAt !== null && Date.now() - Date.parse(ping?.lastRunAt ?? '') < 60_000);
    assert.equal(system.host.system.processor.runners.get('ping')?.stats.invocations ?? 0, 0, 'nothing ran in the HTTP thread');

    const health = (await (await system.request('ops', 'GET', '/api/health')).json()) as { checks: { processors?: { ok: boolean; detail: string } } };
    assert.deepEqual(health.checks.processors, { ok: true, detail: '2 of 2 processor threads running, 0 restarted' });
  });

  it('applies a policy changed through the API in the threads at once', async () => {
    // Twenty at once: both threads lease some, so both have bob's policies cached.
    const burst = async (): Promise<string[]> => {
      const ids = await Promise.all(Array.from({ length: 20 }, () => system.emit('bob', 'demo.ping')));
      return Promise.all(ids.map(async (id) => (await system.settled('bob', id)).status));
    };
    assert.deepEqual(new Set(await burst()), new Set(['processed']));
    const deny = { policies: [{ id: 'no-pings', name: 'No pings', condition: "event.type == 'demo.ping'", action: 'deny' }] };
    assert.equal((await system.request('bob', 'PUT', '/api/policies?scope=user', { body: deny })).status, 200);
    assert.deepEqual(new Set(await burst()), new Set(['denied']));
    const denied = await system.settled('bob', await system.emit('bob', 'demo.ping'));
    assert.match(denied.decision?.reason ?? '', /no-pings/);
    assert.equal((await system.request('bob', 'PUT', '/api/policies?scope=user', { body: { policies: [] } })).status, 200);
    assert.deepEqual(new Set(await burst()), new Set(['processed']));
  });

  it('restarts a thread that died and redelivers the event it held at once, not after the lease', async () => {
    const started = Date.now();
    const id = await system.emit('cid', 'crash.thread');
    const record = await system.settled('cid', id, (r) => r.status === 'processed');
    assert.deepEqual(record.drivers.map((run) => `${run.driver}:${run.status}`), ['thread-crash:succeeded']);
    // The lease is five minutes (VEXTIR_LOCK_MS): only the release on the thread's death explains this.
    assert.ok(Date.now() - started < 30_000);
    const health = await eventually(
      async () => ((await (await system.request('ops', 'GET', '/api/health')).json()) as { checks: { processors: { ok: boolean; detail: string } } }).checks.processors,
      (check) => check.ok,
    );
    assert.deepEqual(health, { ok: true, detail: '2 of 2 processor threads running, 1 restarted' });
    assert.equal((await system.settled('cid', await system.emit('cid', 'demo.ping'))).status, 'processed', 'and processing goes on');
  });
});

describe('processor threads that cannot start', () => {
  it('fail the host’s start naming the thread and the reason, and leave the data folder free', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vextir-thread-start-'));
    try {
      const configFile = join(dataDir, 'vextir.config.json');
      writeFileSync(configFile, JSON.stringify({ drivers: [{ module: resolve('test/fixtures/drivers/thread-init-fails-driver.js') }] }));
      const settings = { VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0' };
      await assert.rejects(startLocal(loadConfig({ ...settings, VEXTIR_PROCESSOR_THREADS: '2' }), silentLogger), /processor thread \d could not start: no connection to the license server from this thread/);
      // The host lock was released and the database closed: a host (without threads) starts on the folder at once.
      const host = await startLocal(loadConfig({ ...settings, VEXTIR_PROCESSOR_THREADS: '0' }), silentLogger);
      await host.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
