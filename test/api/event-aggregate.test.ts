/** GET /api/events/aggregate: counts and average durations per bucket over a window ending now. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { EventRecord } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { makeRecord } from '../contracts/fixtures.js';
import { apiFixture, assertProblem, send, type ApiFixture } from './helpers.js';

interface Aggregate {
  type: string;
  window: string;
  bucket: string;
  from: string;
  to: string;
  buckets: Array<{ start: string; count: number; averageDurationSeconds: number | null }>;
  scanned: number;
  truncated: boolean;
}

let serial = 0;
function received(at: string, options: { type?: string; data?: unknown; userId?: string } = {}): EventRecord {
  serial += 1;
  const event = makeEvent({ userid: options.userId ?? 'alice', id: `e${serial}`, type: options.type ?? 'task.done', ...(options.data !== undefined && { data: options.data }) });
  return makeRecord(event, { receivedAt: new Date(at).toISOString() });
}

/** The fixture's clock moved to 2026-01-08T12:30:00Z. */
function fixtureAtNoon(): ApiFixture {
  const fixture = apiFixture();
  fixture.clock.advance(Date.parse('2026-01-08T12:30:00Z') - Date.parse('2026-01-01T00:00:00Z'));
  return fixture;
}

async function aggregate(fixture: ApiFixture, query: string, token?: string): Promise<Aggregate> {
  const response = await send(fixture, 'GET', `/api/events/aggregate${query}`, { token: token ?? (await fixture.token('alice')) });
  assert.equal(response.status, 200, response.text);
  return response.json() as Aggregate;
}

describe('GET /api/events/aggregate', () => {
  it('counts per day over the window, every bucket listed, with average durations', async () => {
    const fixture = fixtureAtNoon();
    await fixture.store.insertAccepted([
      received('2026-01-01T12:29:59.999Z'), // in the first bucket, but before the window
      received('2026-01-01T12:30:00.000Z'), // the window's first instant
      received('2026-01-03T01:00:00Z', { data: { duration: 2 } }),
      received('2026-01-03T02:00:00Z', { data: { duration: 4 } }),
      received('2026-01-03T03:00:00Z', { data: { duration: 'slow' } }), // counted, not averaged
      received('2026-01-05T00:00:00Z', { type: 'task.done.late', data: { duration_ms: 1500 } }),
      received('2026-01-05T00:00:00Z', { type: 'other.thing', data: { duration: 100 } }),
      received('2026-01-05T00:00:00Z', { userId: 'bob' }),
      received('2026-01-08T12:30:00.000Z'), // now
      received('2026-01-08T12:30:00.001Z'), // after now
    ]);
    const result = await aggregate(fixture, '?type=task.*&window=7d&bucket=day');
    assert.deepEqual({ ...result, buckets: undefined }, {
      type: 'task.*', window: '7d', bucket: 'day', from: '2026-01-01T12:30:00.000Z', to: '2026-01-08T12:30:00.000Z', buckets: undefined, scanned: 6, truncated: false,
    });
    assert.deepEqual(result.buckets, [
      { start: '2026-01-01T00:00:00.000Z', count: 1, averageDurationSeconds: null },
      { start: '2026-01-02T00:00:00.000Z', count: 0, averageDurationSeconds: null },
      { start: '2026-01-03T00:00:00.000Z', count: 3, averageDurationSeconds: 3 },
      { start: '2026-01-04T00:00:00.000Z', count: 0, averageDurationSeconds: null },
      { start: '2026-01-05T00:00:00.000Z', count: 1, averageDurationSeconds: 1.5 },
      { start: '2026-01-06T00:00:00.000Z', count: 0, averageDurationSeconds: null },
      { start: '2026-01-07T00:00:00.000Z', count: 0, averageDurationSeconds: null },
      { start: '2026-01-08T00:00:00.000Z', count: 1, averageDurationSeconds: null },
    ]);
    const every = await aggregate(fixture, '?type=*');
    assert.equal(every.buckets.reduce((sum, bucket) => sum + bucket.count, 0), 7, 'every type, the default window 7d');
    assert.equal(every.bucket, 'day', 'day by default');
    const two = await aggregate(fixture, '?type=task.done,other.thing');
    assert.equal(two.buckets.reduce((sum, bucket) => sum + bucket.count, 0), 6);
  });

  it('buckets by hour, the first holding the window start and the last now', async () => {
    const fixture = fixtureAtNoon();
    await fixture.store.insertAccepted([received('2026-01-07T12:45:00Z'), received('2026-01-08T12:10:00Z', { data: { duration: 0.5 } }), received('2026-01-08T12:20:00Z', { data: { duration: 1.5 } })]);
    const day = await aggregate(fixture, '?type=task.done&window=24h&bucket=hour');
    assert.equal(day.buckets.length, 25);
    assert.equal(day.buckets[0]!.start, '2026-01-07T12:00:00.000Z');
    assert.equal(day.buckets.at(-1)!.start, '2026-01-08T12:00:00.000Z');
    assert.deepEqual(day.buckets[0], { start: '2026-01-07T12:00:00.000Z', count: 1, averageDurationSeconds: null });
    assert.deepEqual(day.buckets.at(-1), { start: '2026-01-08T12:00:00.000Z', count: 2, averageDurationSeconds: 1 });
    assert.equal(day.buckets.slice(1, -1).every((bucket) => bucket.count === 0), true);
    const short = await aggregate(fixture, '?type=task.done&window=30m&bucket=hour');
    assert.deepEqual(short.buckets, [{ start: '2026-01-08T12:00:00.000Z', count: 2, averageDurationSeconds: 1 }]);
    const year = await aggregate(fixture, '?type=task.done&window=366d&bucket=hour');
    assert.equal(year.buckets.length, 366 * 24 + 1);
  });

  it('stops after 50,000 records and says truncated', async () => {
    const fixture = fixtureAtNoon();
    const start = Date.parse('2026-01-08T00:00:00Z');
    await fixture.store.insertAccepted(Array.from({ length: 50_001 }, (_, index) => received(new Date(start + index * 100).toISOString())));
    const result = await aggregate(fixture, '?type=task.done&window=1d&bucket=hour');
    assert.equal(result.scanned, 50_000);
    assert.equal(result.truncated, true);
    assert.equal(result.buckets.reduce((sum, bucket) => sum + bucket.count, 0), 50_000);
    const exactly = fixtureAtNoon();
    await exactly.store.insertAccepted(Array.from({ length: 2000 }, (_, index) => received(new Date(start + index * 100).toISOString())));
    const whole = await aggregate(exactly, '?type=task.done&window=1d&bucket=hour');
    assert.deepEqual([whole.scanned, whole.truncated], [2000, false]);
  });

  it("lets an admin count another user's events; anyone else gets 403", async () => {
    const fixture = fixtureAtNoon();
    await fixture.store.insertAccepted([received('2026-01-08T12:00:00Z')]);
    const result = await aggregate(fixture, '?type=*&window=1d&user=alice', await fixture.adminToken());
    assert.equal(result.buckets.at(-1)!.count, 1);
    assertProblem(await send(fixture, 'GET', '/api/events/aggregate?type=*&user=alice', { token: await fixture.token('bob') }), 403);
    assert.equal((await aggregate(fixture, '?type=*&user=alice', await fixture.token('alice'))).scanned, 1);
  });

  const BAD: Array<[string, string]> = [
    ['', 'type'],
    ['?type=', 'type'],
    ['?type=task..x', 'type'],
    ['?type=*&window=0d', 'window'],
    ['?type=*&window=7w', 'window'],
    ['?type=*&window=367d', 'window'],
    ['?type=*&window=9000h', 'window'],
    ['?type=*&bucket=week', 'bucket'],
    ['?type=*&user=no%20one', 'user'],
    ['?type=*&limit=5', 'limit'],
  ];
  for (const [query, field] of BAD) {
    it(`answers 400 naming "${field}" for ${query || 'no parameters'}`, async () => {
      const fixture = apiFixture();
      assertProblem(await send(fixture, 'GET', `/api/events/aggregate${query}`, { token: await fixture.token() }), 400, { field });
    });
  }
});
