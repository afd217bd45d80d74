/** GET /api/events for the dashboard: time ranges, another user's history (admins), pages and search. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { EventView } from '../../src/api/index.js';
import type { EventRecord } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { makeRecord } from '../contracts/fixtures.js';
import { apiFixture, assertProblem, send, type ApiFixture } from './helpers.js';

interface Page {
  events: EventView[];
  cursor?: string;
  scanned?: number;
  searchComplete?: boolean;
}

/** A record received `second` seconds after 2026-01-01T00:00:00Z. */
function recordAt(userId: string, id: string, second: number, overrides: { type?: string; source?: string; data?: unknown; status?: EventRecord['status'] } = {}): EventRecord {
  const event = makeEvent({ userid: userId, id, type: overrides.type ?? 'demo.ping', ...(overrides.source !== undefined && { source: overrides.source }), ...(overrides.data !== undefined && { data: overrides.data }) });
  return makeRecord(event, { receivedAt: new Date(Date.UTC(2026, 0, 1) + second * 1000).toISOString(), status: overrides.status ?? 'processed' });
}

async function page(fixture: ApiFixture, query: string, token: string): Promise<Page> {
  const response = await send(fixture, 'GET', `/api/events${query}`, { token });
  assert.equal(response.status, 200, response.text);
  return response.json() as Page;
}

const ids = (events: EventView[]): string[] => events.map((event) => event.id);

describe('GET /api/events: until and time ranges', () => {
  it('lists events received before until (exclusive), and between since and until', async () => {
    const fixture = apiFixture();
    await fixture.store.insertAccepted([recordAt('alice', 'a0', 0), recordAt('alice', 'a1', 60), recordAt('alice', 'a2', 120), recordAt('alice', 'a3', 180)]);
    const token = await fixture.token('alice');
    assert.deepEqual(ids((await page(fixture, '?until=2026-01-01T00:02:00Z', token)).events), ['a1', 'a0']);
    assert.deepEqual(ids((await page(fixture, '?since=2026-01-01T00:01:00Z&until=2026-01-01T00:03:00Z', token)).events), ['a2', 'a1']);
    assert.deepEqual(ids((await page(fixture, '?until=2026-01-01T01:02:00%2B01:00', token)).events), ['a1', 'a0'], 'an offset is an instant like any other');
  });

  it('answers 400 naming until when it is not after since, or not a timestamp', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    assertProblem(await send(fixture, 'GET', '/api/events?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', { token }), 400, { field: 'until' });
    assertProblem(await send(fixture, 'GET', '/api/events?since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z', { token }), 400, { field: 'until' });
    assertProblem(await send(fixture, 'GET', '/api/events?until=tomorrow', { token }), 400, { field: 'until' });
  });
});

describe('GET /api/events?user= and GET /api/events/{id}?user=', () => {
  async function seeded(): Promise<ApiFixture> {
    const fixture = apiFixture();
    await fixture.store.insertAccepted([recordAt('alice', 'a1', 1), recordAt('alice', 'a2', 2), recordAt('bob', 'b1', 3)]);
    return fixture;
  }

  it("lets an admin read another user's history and events", async () => {
    const fixture = await seeded();
    const admin = await fixture.adminToken('root');
    assert.deepEqual(ids((await page(fixture, '?user=alice', admin)).events), ['a2', 'a1']);
    assert.deepEqual(ids((await page(fixture, '?user=bob', admin)).events), ['b1']);
    assert.deepEqual(ids((await page(fixture, '', admin)).events), [], "without user, the admin's own");
    const one = await send(fixture, 'GET', '/api/events/a1?user=alice', { token: admin });
    assert.equal(one.status, 200, one.text);
    assert.equal((one.json() as EventView).id, 'a1');
    assertProblem(await send(fixture, 'GET', '/api/events/a1?user=bob', { token: admin }), 404);
  });

  it('refuses anyone else with 403, except for their own id', async () => {
    const fixture = await seeded();
    const bob = await fixture.token('bob');
    assertProblem(await send(fixture, 'GET', '/api/events?user=alice', { token: bob }), 403);
    assertProblem(await send(fixture, 'GET', '/api/events/a1?user=alice', { token: bob }), 403);
    assert.deepEqual(ids((await page(fixture, '?user=bob', bob)).events), ['b1']);
    assert.equal((await send(fixture, 'GET', '/api/events/b1?user=bob', { token: bob })).status, 200);
  });

  it('answers 400 naming user for a malformed id, and other parameters on one event', async () => {
    const fixture = await seeded();
    const admin = await fixture.adminToken();
    assertProblem(await send(fixture, 'GET', '/api/events?user=a%20b', { token: admin }), 400, { field: 'user' });
    assertProblem(await send(fixture, 'GET', '/api/events/a1?user=', { token: admin }), 400, { field: 'user' });
    assertProblem(await send(fixture, 'GET', '/api/events/a1?limit=2', { token: admin }), 400, { field: 'limit' });
  });
});

describe('GET /api/events: pages', () => {
  async function all(fixture: ApiFixture, query: string, token: string): Promise<{ pages: string[][]; cursors: number }> {
    const pages: string[][] = [];
    let cursors = 0;
    let next: string | undefined;
    do {
      const separator = query === '' ? '?' : '&';
      const result = await page(fixture, `${query}${next === undefined ? '' : `${query === '' ? '?' : separator}cursor=${next}`}`, token);
      pages.push(ids(result.events));
      next = result.cursor;
      if (next !== undefined) cursors += 1;
    } while (next !== undefined && pages.length < 20);
    return { pages, cursors };
  }

  it('hands out a cursor while a page is full and continues with the next older page', async () => {
    const fixture = apiFixture();
    // Three share a millisecond: the order among them is by id, and a page may end inside them.
    await fixture.store.insertAccepted([
      recordAt('alice', 'e1', 1), recordAt('alice', 'e2', 2), recordAt('alice', 'e3a', 3), recordAt('alice', 'e3b', 3),
      recordAt('alice', 'e3c', 3, { type: 'task.created' }), recordAt('alice', 'e4', 4), recordAt('alice', 'e5', 5),
    ]);
    const token = await fixture.token('alice');
    assert.deepEqual(await all(fixture, '?limit=3', token), { pages: [['e5', 'e4', 'e3c'], ['e3b', 'e3a', 'e2'], ['e1']], cursors: 2 });
    assert.deepEqual(await all(fixture, '?limit=2&type=demo.*', token), { pages: [['e5', 'e4'], ['e3b', 'e3a'], ['e2', 'e1'], []], cursors: 3 });
    assert.deepEqual(await all(fixture, '?limit=2&until=2026-01-01T00:00:04Z', token), { pages: [['e3c', 'e3b'], ['e3a', 'e2'], ['e1']], cursors: 2 });
    assert.deepEqual((await page(fixture, '?limit=50', token)).cursor, undefined, 'a short page is the end');
  });

  it('keeps every record in its place when one changes between pages', async () => {
    const fixture = apiFixture();
    await fixture.store.insertAccepted([recordAt('alice', 'x1', 1), recordAt('alice', 'x2', 1), recordAt('alice', 'x3', 1), recordAt('alice', 'x4', 1)]);
    const token = await fixture.token('alice');
    const first = await page(fixture, '?limit=2', token);
    await fixture.store.save(recordAt('alice', 'x4', 1, { status: 'failed' }));
    await fixture.store.save(recordAt('alice', 'x1', 1, { status: 'failed' }));
    const second = await page(fixture, `?limit=2&cursor=${first.cursor!}`, token);
    assert.deepEqual([...ids(first.events), ...ids(second.events)], ['x4', 'x3', 'x2', 'x1']);
  });

  const BAD_CURSORS: Array<[string, string]> = [
    ['garbage', 'not base64url JSON'],
    [Buffer.from('{"r":"yesterday","i":"e1"}').toString('base64url'), 'not a timestamp'],
    [Buffer.from('{"r":"2026-01-01T00:00:00.000Z","i":"e 1"}').toString('base64url'), 'not an event id'],
    [Buffer.from('{"r":"2026-01-01T00:00:00.000Z","i":"e1","x":1}').toString('base64url'), 'an extra field'],
    ['a'.repeat(600), 'too long'],
    ['', 'empty'],
  ];
  for (const [cursor, what] of BAD_CURSORS) {
    it(`answers 400 naming cursor for a cursor it did not hand out (${what})`, async () => {
      const fixture = apiFixture();
      assertProblem(await send(fixture, 'GET', `/api/events?cursor=${cursor}`, { token: await fixture.token() }), 400, { field: 'cursor' });
    });
  }
});

describe('GET /api/events?q=', () => {
  it('finds the text in id, type, source, status or data, ignoring case, and says what it scanned', async () => {
    const fixture = apiFixture();
    await fixture.store.insertAccepted([
      recordAt('alice', 'invoice-7', 1),
      recordAt('alice', 'e2', 2, { type: 'billing.Invoice.paid' }),
      recordAt('alice', 'e3', 3, { source: '/drivers/INVOICER' }),
      recordAt('alice', 'e4', 4, { data: { subject: 'Your InVoIcE', amount: 3 } }),
      recordAt('alice', 'e5', 5, { status: 'failed' }),
      recordAt('alice', 'e6', 6, { data: { note: 'nothing here' } }),
      recordAt('bob', 'invoice-bob', 7),
    ]);
    const token = await fixture.token('alice');
    const found = await page(fixture, '?q=invoice', token);
    assert.deepEqual(ids(found.events), ['e4', 'e3', 'e2', 'invoice-7']);
    assert.equal(found.scanned, 6);
    assert.equal(found.searchComplete, true);
    assert.equal(found.cursor, undefined);
    assert.deepEqual(ids((await page(fixture, '?q=FAILED', token)).events), ['e5']);
    assert.deepEqual(ids((await page(fixture, '?q=%22amount%22%3A3', token)).events), ['e4'], 'data is searched as JSON');
    assert.deepEqual(ids((await page(fixture, '?q=invoice&type=billing.*,demo.ping&until=2026-01-01T00:00:03Z', token)).events), ['e2', 'invoice-7'], 'with the other filters');
  });

  it('pages through matches with the cursor', async () => {
    const fixture = apiFixture();
    await fixture.store.insertAccepted(Array.from({ length: 10 }, (_, index) => recordAt('alice', `e${index}`, index, { data: { tag: index % 2 === 0 ? 'even' : 'odd' } })));
    const token = await fixture.token('alice');
    const first = await page(fixture, '?q=even&limit=3', token);
    assert.deepEqual(ids(first.events), ['e8', 'e6', 'e4']);
    assert.equal(first.searchComplete, true);
    assert.equal(first.scanned, 6, 'stops at the match that fills the page (e9 to e4)');
    const second = await page(fixture, `?q=even&limit=3&cursor=${first.cursor!}`, token);
    assert.deepEqual(ids(second.events), ['e2', 'e0']);
    assert.equal(second.cursor, undefined);
  });

  it('stops after 5,000 records and continues from where it stopped', async () => {
    const fixture = apiFixture();
    const records = Array.from({ length: 6000 }, (_, index) => recordAt('alice', `r${String(index).padStart(5, '0')}`, index, { data: { n: index } }));
    records[10] = recordAt('alice', 'needle', 10);
    await fixture.store.insertAccepted(records);
    const token = await fixture.token('alice');
    const first = await page(fixture, '?q=needle', token);
    assert.deepEqual(first.events, []);
    assert.equal(first.scanned, 5000);
    assert.equal(first.searchComplete, false);
    assert.ok(first.cursor);
    const second = await page(fixture, `?q=needle&cursor=${first.cursor}`, token);
    assert.deepEqual(ids(second.events), ['needle']);
    assert.equal(second.scanned, 1000);
    assert.equal(second.searchComplete, true);
    assert.equal(second.cursor, undefined);
  });

  it('answers 400 naming q when it is empty or too long', async () => {
    const fixture = apiFixture();
    const token = await fixture.token();
    assertProblem(await send(fixture, 'GET', '/api/events?q=', { token }), 400, { field: 'q' });
    assertProblem(await send(fixture, 'GET', `/api/events?q=${'x'.repeat(201)}`, { token }), 400, { field: 'q' });
  });
});
