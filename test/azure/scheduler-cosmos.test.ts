/**
 * Schedules on the Azure path: two schedulers, each with its own Cosmos client (two Function App
 * instances), ticking the same schedules at the same moments against the Cosmos protocol server.
 * Each slot's event is published once per scheduler at most, accepted once, and counted once:
 * the ETag claim on the schedule document decides, and the due index (ordered keys in the global
 * partition) is read in fire-time order.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { openCosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import { MemoryQueue } from '../../src/adapters/memory/index.js';
import { ingest, type Envelope } from '../../src/kernel/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { silentLogger, TestClock } from '../helpers/kernel-fixture.js';

let server: CosmosTestServer;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

it('two schedulers on two Cosmos clients fire each slot once', async () => {
  const clock = new TestClock(new Date('2026-06-01T00:00:00.000Z'));
  // Opened at once, as two instances starting together would: both create the database and containers.
  const open = () => openCosmosStore({ client: server.client(), databaseId: 'schedules', createIfNotExists: true, now: () => clock.now().getTime() });
  const [one, two] = await Promise.all([open(), open()]);
  const queue = new MemoryQueue({ clock, lockMs: 1e12 });
  const scheduler = (stores: typeof one) =>
    new Scheduler({
      store: new ScheduleStore(stores.state),
      // Both instances accept into the same event store: the ingress sees the other's record.
      publish: async (event, notBefore) => void (await ingest([event], { bus: queue, store: one.store, clock }, notBefore === undefined ? {} : { notBefore })),
      clock,
      logger: silentLogger,
    });
  const [a, b] = [scheduler(one), scheduler(two)];
  for (let i = 0; i < 6; i += 1) await a.create(`user${i % 2}`, { id: `s${i}`, event: { type: 'cosmos.slot' }, cron: '*/10 * * * * *' });
  const delivered: Envelope[] = [];
  for (let second = 0; second < 60; second += 1) {
    await Promise.all([a.tick(0), b.tick(0)]);
    delivered.push(...(await queue.receive(100)).map((delivery) => delivery.body as Envelope));
    clock.advance(1000);
  }
  const bySchedule = new Map<string, string[]>();
  for (const event of delivered) bySchedule.set(`${event.userid}${event.source}`, [...(bySchedule.get(`${event.userid}${event.source}`) ?? []), event.time]);
  assert.equal(bySchedule.size, 6);
  for (const [schedule, times] of bySchedule) {
    assert.deepEqual(times, ['10', '20', '30', '40', '50'].map((s) => `2026-06-01T00:00:${s}.000Z`), `${schedule} fired ${times.join(', ')}`);
  }
  const counts = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => (await b.get(`user${i % 2}`, `s${i}`)).fired));
  assert.deepEqual(counts, [5, 5, 5, 5, 5, 5]);
});
