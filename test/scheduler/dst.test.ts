/**
 * The DST policy, through the scheduler ticking every minute across both changes in two zones:
 * a local time the spring change skips fires once at the next valid time; a local time the
 * autumn change repeats fires once (at its first occurrence).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryEventStore, MemoryQueue, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { ingest, type Envelope } from '../../src/kernel/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { silentLogger, TestClock } from '../helpers/kernel-fixture.js';

/** The UTC instants a cron schedule fires at while the clock runs from `from` to `to`, ticking every minute. */
async function firings(cron: string, timezone: string, from: string, to: string): Promise<string[]> {
  const clock = new TestClock(new Date(from));
  const store = new MemoryEventStore();
  const queue = new MemoryQueue({ clock, lockMs: 1e12 });
  const scheduler = new Scheduler({
    store: new ScheduleStore(new MemoryStateStore({ clock })),
    publish: async (event, notBefore) => {
      await ingest([event], { bus: queue, store, clock }, notBefore === undefined ? {} : { notBefore });
    },
    clock,
    logger: silentLogger,
  });
  await scheduler.create('alice', { id: 'dst', event: { type: 'dst.slot' }, cron, timezone });
  const fired: string[] = [];
  while (clock.now().toISOString() < to) {
    await scheduler.tick(0);
    fired.push(...(await queue.receive(100)).map((delivery) => (delivery.body as Envelope).time));
    clock.advance(60_000);
  }
  return fired;
}

describe('schedules across daylight-saving changes', () => {
  it('Europe/Berlin, spring: 02:30 does not exist on 29 March 2026 and fires once at 03:00', async () => {
    assert.deepEqual(await firings('30 2 * * *', 'Europe/Berlin', '2026-03-27T23:00:00Z', '2026-03-30T23:00:00Z'), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the next valid time
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('Europe/Berlin, autumn: the hour from 02:00 happens twice on 25 October 2026; each local hour fires once', async () => {
    assert.deepEqual(await firings('0 * * * *', 'Europe/Berlin', '2026-10-24T22:30:00Z', '2026-10-25T04:30:00Z'), [
      '2026-10-24T23:00:00.000Z', // 01:00 CEST
      '2026-10-25T00:00:00.000Z', // 02:00 CEST (02:00 CET, an hour later, does not fire again)
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T03:00:00.000Z', // 04:00 CET
      '2026-10-25T04:00:00.000Z', // 05:00 CET
    ]);
    assert.deepEqual(await firings('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('America/New_York, spring: 02:30 on 8 March 2026 fires once at 03:00 EDT', async () => {
    assert.deepEqual(await firings('30 2 * * *', 'America/New_York', '2026-03-07T05:00:00Z', '2026-03-09T12:00:00Z'), [
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('America/New_York, autumn: 01:00-02:00 happens twice on 1 November 2026; each local time fires once', async () => {
    assert.deepEqual(await firings('*/30 * * * *', 'America/New_York', '2026-11-01T04:45:00Z', '2026-11-01T07:45:00Z'), [
      '2026-11-01T05:00:00.000Z', // 01:00 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT (01:00 and 01:30 EST, an hour later, do not fire again)
      '2026-11-01T07:00:00.000Z', // 02:00 EST
      '2026-11-01T07:30:00.000Z', // 02:30 EST
    ]);
  });
});
