/**
 * The dashboard's reads over HTTP against the embedded host (SQLite store, the shared core's
 * wiring): who am I, event pages and search, an event's tree, counts per bucket, agent runs and
 * the drivers' latency and health.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

let system: TestSystem;
const pings: string[] = [];

beforeAll(async () => {
  system = await startTestSystem();
  for (let index = 0; index < 5; index += 1) pings.push(await system.emit('alice', 'demo.ping', { n: index, word: index === 3 ? 'Needle' : 'hay' }));
  for (const id of pings) await system.settled('alice', id);
});
afterAll(async () => {
  await system.stop();
});

async function get<T>(path: string, user = 'alice', admin = false): Promise<T> {
  const response = await system.request(user, 'GET', path, { admin });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text) as T;
}

describe('the dashboard API on the embedded host', () => {
  it('GET /api/me', async () => {
    assert.deepEqual(await get('/api/me'), { userId: 'alice', admin: false });
    assert.deepEqual(await get('/api/me', 'root', true), { userId: 'root', admin: true });
  });

  it('pages through the events with the cursor, and searches them', async () => {
    type Page = { events: Array<{ id: string; type: string }>; cursor?: string; scanned?: number; searchComplete?: boolean };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result: Page = await get(`/api/events?type=demo.ping&limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      seen.push(...result.events.map((event) => event.id));
      cursor = result.cursor;
      if (cursor === undefined) break;
    }
    assert.deepEqual(seen, [...pings].reverse());
    const found: Page = await get('/api/events?q=needle');
    assert.deepEqual(found.events.map((event) => event.type).sort(), ['demo.ping', 'demo.pong'], 'the ping and the pong that echoes its data');
    assert.equal(found.searchComplete, true);
    assert.equal(found.scanned, 10);
    const admin: Page = await get('/api/events?user=alice&limit=1', 'root', true);
    assert.equal(admin.events.length, 1);
    assert.equal((await system.request('bob', 'GET', '/api/events?user=alice')).status, 403);
  });

  it("shows an event's tree and counts per bucket", async () => {
    const tree = await get<{ ancestors: unknown[]; nodes: Array<{ type: string; depth: number }>; truncated: boolean }>(`/api/events/${pings[0]!}/tree`);
    assert.deepEqual(tree.nodes.map((node) => [node.type, node.depth]), [['demo.ping', 0], ['demo.pong', 1]]);
    assert.equal(tree.truncated, false);
    const counts = await get<{ buckets: Array<{ count: number }>; scanned: number; truncated: boolean }>('/api/events/aggregate?type=demo.*&window=1h&bucket=hour');
    assert.equal(counts.buckets.reduce((sum, bucket) => sum + bucket.count, 0), 10);
    assert.deepEqual([counts.scanned, counts.truncated], [10, false]);
  });

  it("lists agent runs and reports the drivers' latency and health", async () => {
    assert.deepEqual(await get('/api/agents/runs'), { runs: [] });
    const { drivers } = await get<{ drivers: Array<{ manifest: { id: string }; stats: { invocations: number; lastRunAt: string | null; latencyMs: { samples: number; p50: number | null }; health: { status: string } } }> }>('/api/drivers');
    const ping = drivers.find((driver) => driver.manifest.id === 'ping')!;
    assert.equal(ping.stats.invocations, 5);
    assert.equal(ping.stats.latencyMs.samples, 5);
    assert.ok(ping.stats.latencyMs.p50 !== null && ping.stats.latencyMs.p50 >= 0);
    assert.equal(ping.stats.health.status, 'ok');
    assert.ok(ping.stats.lastRunAt !== null && Math.abs(Date.parse(ping.stats.lastRunAt) - Date.now()) < 60_000);
    assert.ok(drivers.some((driver) => driver.stats.health.status === 'idle'), 'drivers that never ran are idle');
  });
});
