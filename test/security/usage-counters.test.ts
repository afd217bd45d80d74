/**
 * UsageCounters over real stores (memory, SQLite, the Cosmos protocol server): sliding rates and
 * calendar totals across minute, hour, day and month boundaries, exact cost sums, expiry of old
 * buckets, and concurrent counting from two counters (two SQLite connections, two Cosmos
 * clients). Each store reads a TestClock set to the test's instants, so expiry is real.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openCosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { isKernelError, type StateStore } from '../../src/kernel/index.js';
import { UsageCounters, USAGE_KIND } from '../../src/security/usage/index.js';
import { openTempStorage } from '../contracts/sqlite-harness.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { TestClock } from '../helpers/kernel-fixture.js';

interface Opened {
  state: StateStore;
  /** A second store over the same storage, where the adapter has one. */
  sibling?: () => Promise<StateStore>;
  close(): Promise<void> | void;
}
type Open = (clock: TestClock) => Promise<Opened>;

const at = (iso: string): Date => new Date(iso);
const ZERO = { events_per_minute: 0, events_per_hour: 0, events_per_day: 0, tokens_today: 0, tokens_month: 0, cost_today: 0, cost_month: 0 };

let server: CosmosTestServer;
let databases = 0;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

const stores: Array<[string, Open]> = [
  ['memory', async (clock) => ({ state: new MemoryStateStore({ clock }), close: () => undefined })],
  [
    'sqlite',
    async (clock) => {
      const storage = openTempStorage({ clock });
      return { state: storage.state, sibling: async () => storage.reopen().state, close: storage.dispose };
    },
  ],
  [
    'cosmos (protocol server)',
    async (clock) => {
      const databaseId = `usage-${(databases += 1)}`;
      const open = () => openCosmosStore({ client: server.client(), databaseId, createIfNotExists: true, now: () => clock.now().getTime() });
      const { database, state } = await open();
      return { state, sibling: async () => (await open()).state, close: async () => void (await database.delete()) };
    },
  ],
];

for (const [name, open] of stores) {
  describe(`UsageCounters on ${name}`, () => {
    async function withCounters(start: string, test: (counters: UsageCounters, clock: TestClock, opened: Opened) => Promise<void>): Promise<void> {
      const clock = new TestClock(at(start));
      const opened = await open(clock);
      try {
        await test(new UsageCounters(opened.state), clock, opened);
      } finally {
        await opened.close();
      }
    }

    it('counts into one item per granularity and reads them back', () =>
      withCounters('2026-11-24T22:57:30.000Z', async (usage, _clock, { state }) => {
        assert.deepEqual(await usage.snapshot('alice', at('2026-11-24T22:57:30.000Z')), ZERO);
        await usage.add('alice', at('2026-11-24T22:57:10.000Z'), { events: 1, tokens: 100, costUsd: 0.002 });
        await usage.add('alice', at('2026-11-24T22:57:20.000Z'), { events: 2, tokens: 50 });
        await usage.add('bob', at('2026-11-24T22:57:20.000Z'), { events: 7 });
        const items = await state.list('alice', USAGE_KIND, { limit: 10 });
        assert.deepEqual(items.map((item) => [item.key, item.value]), [
          ['d:2026-11-24', { events: 3, tokens: 150, costNanos: 2_000_000 }],
          ['h:2026-11-24T22', { events: 3, tokens: 150, costNanos: 2_000_000 }],
          ['m:2026-11-24T22:57', { events: 3, tokens: 150, costNanos: 2_000_000 }],
          ['mo:2026-11', { events: 3, tokens: 150, costNanos: 2_000_000 }],
        ]);
        assert.deepEqual(await usage.snapshot('alice', at('2026-11-24T22:57:30.000Z')), {
          events_per_minute: 3,
          events_per_hour: 3,
          events_per_day: 3,
          tokens_today: 150,
          tokens_month: 150,
          cost_today: 0.002,
          cost_month: 0.002,
        });
      }));

    it('estimates sliding rates from the previous bucket, weighted by how much of it is still in the window', () =>
      withCounters('2026-11-24T22:56:00.000Z', async (usage) => {
        await usage.add('alice', at('2026-11-24T22:56:10.000Z'), { events: 10 });
        await usage.add('alice', at('2026-11-24T22:57:05.000Z'), { events: 4 });
        // 15 s into the minute: 45/60 of the previous minute is still inside the last 60 s.
        const snapshot = await usage.snapshot('alice', at('2026-11-24T22:57:15.000Z'));
        assert.equal(snapshot.events_per_minute, 4 + 10 * 0.75);
        assert.equal(snapshot.events_per_hour, 14, 'both in the current hour');
        assert.equal((await usage.snapshot('alice', at('2026-11-24T22:57:00.000Z'))).events_per_minute, 14, 'exact at the bucket start');
        assert.equal((await usage.snapshot('alice', at('2026-11-24T22:58:00.000Z'))).events_per_minute, 4, 'two minutes back is out of the window');
      }));

    it('crosses an hour boundary', () =>
      withCounters('2026-11-24T22:59:00.000Z', async (usage) => {
        await usage.add('alice', at('2026-11-24T22:59:50.000Z'), { events: 6 });
        await usage.add('alice', at('2026-11-24T23:00:10.000Z'), { events: 1 });
        const snapshot = await usage.snapshot('alice', at('2026-11-24T23:00:30.000Z'));
        assert.equal(snapshot.events_per_minute, 1 + 6 * 0.5);
        assert.equal(snapshot.events_per_hour, 1 + 6 * (1 - 30 / 3600));
        assert.equal(snapshot.events_per_day, 7, 'same day');
      }));

    it('crosses a day and a month boundary: calendar totals restart, the daily rate slides', () =>
      withCounters('2026-11-30T23:00:00.000Z', async (usage) => {
        await usage.add('alice', at('2026-11-12T08:00:00.000Z'), { events: 1, tokens: 1000, costUsd: 1 });
        await usage.add('alice', at('2026-11-30T23:59:00.000Z'), { events: 8, tokens: 300, costUsd: 0.5 });
        await usage.add('alice', at('2026-12-01T00:01:00.000Z'), { events: 2, tokens: 20, costUsd: 0.25 });
        const snapshot = await usage.snapshot('alice', at('2026-12-01T00:02:00.000Z'));
        assert.deepEqual(snapshot, {
          events_per_minute: 0 + 2 * (1 - 0 / 60),
          events_per_hour: 2 + 8 * (1 - 120 / 3600),
          events_per_day: 2 + 8 * (1 - 120 / 86_400),
          tokens_today: 20,
          tokens_month: 20,
          cost_today: 0.25,
          cost_month: 0.25,
        });
        const november = await usage.snapshot('alice', at('2026-11-30T23:59:30.000Z'));
        assert.equal(november.tokens_today, 300);
        assert.equal(november.tokens_month, 1300);
        assert.equal(november.cost_month, 1.5);
      }));

    it('adds cost without float drift, down to a nano-dollar', () =>
      withCounters('2026-11-24T10:00:00.000Z', async (usage) => {
        for (let i = 0; i < 10; i += 1) await usage.add('alice', at('2026-11-24T10:00:01.000Z'), { costUsd: 0.1 });
        await usage.add('alice', at('2026-11-24T10:00:02.000Z'), { costUsd: 0.000000123 });
        const snapshot = await usage.snapshot('alice', at('2026-11-24T10:00:03.000Z'));
        assert.equal(snapshot.cost_today, 1.000000123);
        assert.equal(snapshot.events_per_minute, 0, 'cost alone counts no event');
      }));

    it('lets buckets expire after their retention; a late write for an old instant is never read', () =>
      withCounters('2026-11-24T10:00:00.000Z', async (usage, clock, { state }) => {
        await usage.add('alice', at('2026-11-24T10:00:00.000Z'), { events: 1, tokens: 5 });
        clock.advance(2 * 3600_000 + 60_000); // past the minute bucket's end + 2 h
        assert.equal(await state.get('alice', USAGE_KIND, 'm:2026-11-24T10:00'), undefined);
        assert.notEqual(await state.get('alice', USAGE_KIND, 'h:2026-11-24T10'), undefined, 'the hour is kept 2 days');
        assert.equal((await usage.snapshot('alice', clock.now())).tokens_today, 5);
        await usage.add('alice', at('2026-11-24T09:00:00.000Z'), { events: 3 });
        assert.equal(await state.get('alice', USAGE_KIND, 'm:2026-11-24T09:00'), undefined, 'written already expired');
      }));

    it('refuses negative, fractional-event and non-finite deltas; an all-zero delta writes nothing', () =>
      withCounters('2026-11-24T10:00:00.000Z', async (usage, _clock, { state }) => {
        const when = at('2026-11-24T10:00:00.000Z');
        for (const delta of [{ events: -1 }, { events: 1.5 }, { tokens: Number.NaN }, { costUsd: Number.POSITIVE_INFINITY }, { costUsd: -0.1 }]) {
          await assert.rejects(usage.add('alice', when, delta), (error) => isKernelError(error, 'invalid_input'), JSON.stringify(delta));
        }
        await assert.rejects(usage.add('alice', when, { events: 1, extra: 1 } as never), (error) => isKernelError(error, 'invalid_input'));
        await usage.add('alice', when, {});
        await usage.add('alice', when, { events: 0, tokens: 0, costUsd: 0 });
        assert.deepEqual(await state.list('alice', USAGE_KIND, { limit: 10 }), []);
        await assert.rejects(async () => usage.snapshot('alice', new Date(Number.NaN)), (error) => isKernelError(error, 'invalid_input'));
      }));

    it('counts exactly under concurrency: one counter, and two counters over the same storage', () =>
      withCounters('2026-11-24T10:00:00.000Z', async (usage, _clock, { state, sibling }) => {
        const when = at('2026-11-24T10:00:30.000Z');
        const second = new UsageCounters(sibling ? await sibling() : state);
        await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? usage : second).add('alice', when, { events: 1, tokens: 10, costUsd: 0.001 })));
        const snapshot = await usage.snapshot('alice', when);
        assert.deepEqual(snapshot, { events_per_minute: 40, events_per_hour: 40, events_per_day: 40, tokens_today: 400, tokens_month: 400, cost_today: 0.04, cost_month: 0.04 });
        assert.deepEqual(await second.snapshot('alice', when), snapshot);
      }));
  });
}
