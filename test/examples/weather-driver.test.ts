/**
 * The seed's third-party driver, used as a user would: listed in a project file, loaded by the
 * running system, driven over HTTP. The weather API is a small HTTP server this test starts
 * (the real provider is on the internet, which tests must not use).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startLocal, type RunningLocalHost } from '../../src/hosts/embedded/index.js';
import { loadConfig } from '../../src/config.js';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

let weatherApi: Server;
let upstreamFailures = 0;
let host: RunningLocalHost;
let dataDir: string;
let token: string;

beforeAll(async () => {
  weatherApi = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const location = url.searchParams.get('location');
    if (upstreamFailures > 0) {
      upstreamFailures -= 1;
      return void res.writeHead(503).end();
    }
    if (location === 'Atlantis') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.pathname === '/current') res.end(JSON.stringify({ temperature: 4.5, conditions: 'snow', observedAt: '2026-11-24T08:00:00Z' }));
    else res.end(JSON.stringify({ days: [{ date: '2026-11-25', high: 3, low: -2 }] }));
  });
  await new Promise<void>((done) => weatherApi.listen(0, '127.0.0.1', done));
  const address = weatherApi.address();
  const apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-weather-'));
  const configFile = join(dataDir, 'vextir.config.yaml');
  writeFileSync(configFile, `drivers:\n  - module: ${resolve('examples/packs/weather/weather-driver.js')}\n    options:\n      apiUrl: ${apiUrl}\n`);
  const config = loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', VEXTIR_RETRY_BASE_MS: '20' });
  host = await startLocal(config, silentLogger);
  token = await signDevToken(loadOrCreateDevSecret(dataDir), 'alice');
});

afterAll(async () => {
  await host.stop();
  weatherApi.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function emit(type: string, data: unknown): Promise<string> {
  const response = await fetch(`${host.url}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type, data }),
  });
  assert.equal(response.status, 202);
  const { ids } = (await response.json()) as { ids: string[] };
  return ids[0]!;
}

interface RecordBody {
  status: string;
  children: string[];
  drivers: Array<{ driver: string; status: string; attempt: number }>;
  event: { type: string; data: unknown };
}

async function settled(id: string): Promise<RecordBody> {
  for (let i = 0; i < 200; i += 1) {
    const response = await fetch(`${host.url}/api/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
    // A child has no record until it is processed (404 until then): keep waiting.
    const record = (await response.json()) as RecordBody;
    if (response.status === 200 && record.status !== 'accepted') return record;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`event ${id} was not settled in time`);
}

describe('the weather example driver', () => {
  it('is listed by GET /api/drivers with its manifest', async () => {
    const response = await fetch(`${host.url}/api/drivers`, { headers: { authorization: `Bearer ${token}` } });
    const { drivers } = (await response.json()) as { drivers: Array<{ manifest: { id: string; capabilities: string[] } }> };
    const weather = drivers.find((driver) => driver.manifest.id === 'weather_tool');
    assert.deepEqual(weather?.manifest.capabilities, ['weather.get', 'weather.forecast']);
  });

  it('answers weather.get with a weather.data event for the location', async () => {
    const record = await settled(await emit('weather.get', { location: 'Oslo' }));
    assert.equal(record.status, 'processed');
    const child = await settled(record.children[0]!);
    assert.equal(child.event.type, 'weather.data');
    assert.deepEqual(child.event.data, { location: 'Oslo', temperature: 4.5, conditions: 'snow', observedAt: '2026-11-24T08:00:00Z' });
  });

  it('answers weather.forecast with weather.forecast.data', async () => {
    const record = await settled(await emit('weather.forecast', { location: 'Oslo', days: 1 }));
    const child = await settled(record.children[0]!);
    assert.equal(child.event.type, 'weather.forecast.data');
  });

  it('retries when the weather API is down and succeeds when it is back', async () => {
    upstreamFailures = 2;
    const record = await settled(await emit('weather.get', { location: 'Bergen' }));
    assert.equal(record.status, 'processed');
    assert.deepEqual(record.drivers.map((run) => `${run.status}@${run.attempt}`), ['failed@1', 'failed@2', 'succeeded@3']);
  });

  it('fails the event with an error event for an unknown location, without retrying', async () => {
    const record = await settled(await emit('weather.get', { location: 'Atlantis' }));
    assert.equal(record.status, 'failed');
    assert.equal(record.drivers.length, 1);
    const error = await settled(record.children[0]!);
    assert.equal(error.event.type, 'error');
    assert.match(JSON.stringify(error.event.data), /weather API answered 404/);
  });
});
