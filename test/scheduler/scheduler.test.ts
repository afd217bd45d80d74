/**
 * The scheduler over the in-memory ports, with a clock the test moves: one-time and cron
 * schedules, catch-up after downtime, pause/resume/delete, validation, and exactly one event per
 * slot with two schedulers ticking at once or a crash between the publish and the claim. Events
 * go through the kernel's real ingress into the in-memory queue, which delivers a message once
 * per id, as the SQLite queue and Service Bus do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryEventStore, MemoryQueue, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { ingest, isKernelError, KernelError, type Envelope, type PutOptions, type StateStore } from '../../src/kernel/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { silentLogger, TestClock } from '../helpers/kernel-fixture.js';

const USER = 'alice';

/** A StateStore that calls `inner` except for the methods given. */
function delegate(inner: StateStore, overrides: Partial<StateStore>): StateStore {
  return {
    get: (...args) => inner.get(...args),
    getMany: (...args) => inner.getMany(...args),
    put: (...args) => inner.put(...args),
    delete: (...args) => inner.delete(...args),
    list: (...args) => inner.list(...args),
    increment: (...args) => inner.increment(...args),
    ...overrides,
  };
}

function harness(start = '2026-06-01T08:00:00.000Z', state: StateStore = new MemoryStateStore({ clock: new TestClock(new Date(start)) })) {
  const clock = new TestClock(new Date(start));
  const store = new MemoryEventStore();
  // Leased messages stay leased (never settled here): each is received exactly once.
  const queue = new MemoryQueue({ clock, lockMs: 1e12 });
  const published: Array<{ id: string; notBefore?: string }> = [];
  const make = () =>
    new Scheduler({
      store: new ScheduleStore(state),
      publish: async (event, notBefore) => {
        published.push({ id: event.id, ...(notBefore && { notBefore: notBefore.toISOString() }) });
        await ingest([event], { bus: queue, store, clock }, notBefore === undefined ? {} : { notBefore });
      },
      clock,
      logger: silentLogger,
      maxPerUser: 100_000,
    });
  /** The messages the queue delivers now (each once: see lockMs). */
  const delivered: Envelope[] = [];
  async function drain(): Promise<Envelope[]> {
    const batch = (await queue.receive(10_000)).map((delivery) => delivery.body as Envelope);
    delivered.push(...batch);
    return batch;
  }
  return { clock, state, queue, store, published, scheduler: make(), make, drain, delivered };
}

describe('the scheduler', () => {
  it('publishes a one-time event ahead of its instant, delivered at that instant, once', async () => {
    const { clock, scheduler, drain } = harness();
    const created = await scheduler.create(USER, { id: 'reminder', event: { type: 'reminder.due', data: { text: 'stand up' } }, at: '2026-06-01T08:00:05Z' });
    assert.equal(created.status, 'active');
    assert.equal(created.nextFireAt, '2026-06-01T08:00:05.000Z');
    assert.deepEqual(await scheduler.tick(2000), { fired: 0, skipped: 0, repaired: 0 });
    clock.advance(4000);
    assert.equal((await scheduler.tick(2000)).fired, 1);
    assert.deepEqual(await drain(), [], 'not delivered before its instant');
    clock.advance(1000);
    const [event, ...rest] = await drain();
    assert.equal(rest.length, 0);
    assert.equal(event?.type, 'reminder.due');
    assert.deepEqual(event?.data, { text: 'stand up' });
    assert.equal(event?.source, '/schedules/reminder');
    assert.equal(event?.time, '2026-06-01T08:00:05.000Z');
    assert.equal(event?.userid, USER);
    const done = await scheduler.get(USER, 'reminder');
    assert.equal(done.status, 'completed');
    assert.equal(done.fired, 1);
    assert.equal(done.lastEventId, event?.id);
    clock.advance(60_000);
    assert.deepEqual(await scheduler.tick(2000), { fired: 0, skipped: 0, repaired: 0 });
  });

  it('fires a cron schedule at each slot in its time zone', async () => {
    const { clock, scheduler, drain } = harness('2026-06-01T05:00:00.000Z');
    const created = await scheduler.create(USER, { id: 'standup', event: { type: 'standup.start' }, cron: '0 9 * * 1-5', timezone: 'Europe/Oslo' });
    assert.equal(created.nextFireAt, '2026-06-01T07:00:00.000Z', '09:00 in Oslo in summer is 07:00 UTC (a Monday)');
    const times: string[] = [];
    for (let minute = 0; minute < 8 * 24 * 60; minute += 1) {
      await scheduler.tick(0);
      times.push(...(await drain()).map((event) => event.time));
      clock.advance(60_000);
    }
    assert.deepEqual(times, ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-08'].map((day) => `${day}T07:00:00.000Z`));
  });

  it('after downtime fires a missed slot once (catchup: once) or not at all (catchup: skip), never a burst', async () => {
    const { clock, scheduler, drain } = harness('2026-06-01T00:00:00.000Z');
    await scheduler.create(USER, { id: 'daily', event: { type: 'report.daily' }, cron: '0 6 * * *' });
    await scheduler.create(USER, { id: 'daily-skip', event: { type: 'report.skip' }, cron: '0 6 * * *', catchup: 'skip' });
    clock.advance(3 * 24 * 3600_000 + 3600_000); // down from June 1 00:00 to June 4 01:00: three slots missed
    const result = await scheduler.tick(1000);
    assert.deepEqual(result, { fired: 1, skipped: 1, repaired: 0 });
    const events = await drain();
    assert.deepEqual(events.map((event) => [event.type, event.time]), [['report.daily', '2026-06-01T06:00:00.000Z']]);
    assert.equal((await scheduler.get(USER, 'daily')).nextFireAt, '2026-06-04T06:00:00.000Z');
    assert.equal((await scheduler.get(USER, 'daily-skip')).nextFireAt, '2026-06-04T06:00:00.000Z');
    assert.equal((await scheduler.get(USER, 'daily-skip')).skipped, 1);
    assert.deepEqual(await scheduler.tick(1000), { fired: 0, skipped: 0, repaired: 0 });
  });

  it('pauses, resumes from the next slot after now, and deletes', async () => {
    const { clock, scheduler, drain } = harness('2026-06-01T00:00:30.000Z');
    await scheduler.create(USER, { id: 'minutely', event: { type: 'tick.minute' }, cron: '* * * * *' });
    clock.advance(30_000);
    await scheduler.tick(0);
    assert.equal((await drain()).length, 1);
    const paused = await scheduler.pause(USER, 'minutely');
    assert.equal(paused.status, 'paused');
    assert.equal(paused.nextFireAt, undefined);
    clock.advance(5 * 60_000);
    assert.deepEqual(await scheduler.tick(0), { fired: 0, skipped: 0, repaired: 1 }, 'the paused slot is dropped from the index');
    assert.equal((await drain()).length, 0);
    const resumed = await scheduler.resume(USER, 'minutely');
    assert.equal(resumed.nextFireAt, '2026-06-01T00:07:00.000Z');
    clock.advance(60_000);
    await scheduler.tick(0);
    assert.deepEqual((await drain()).map((event) => event.time), ['2026-06-01T00:07:00.000Z']);
    await scheduler.remove(USER, 'minutely');
    clock.advance(60_000);
    assert.deepEqual(await scheduler.tick(0), { fired: 0, skipped: 0, repaired: 1 });
    await assert.rejects(scheduler.get(USER, 'minutely'), (error) => isKernelError(error, 'not_found'));
    await assert.rejects(scheduler.pause('bob', 'minutely'), (error) => isKernelError(error, 'not_found'));
  });

  it('refuses bad schedules naming each field', async () => {
    const { scheduler } = harness();
    const issues = async (body: unknown): Promise<string[]> => {
      try {
        await scheduler.create(USER, body);
      } catch (error) {
        assert.ok(error instanceof KernelError && error.code === 'invalid_input', String(error));
        return (error.details?.['errors'] as Array<{ pointer: string; reason: string }>).map((issue) => `${issue.pointer} ${issue.reason}`);
      }
      throw new Error('accepted');
    };
    assert.deepEqual(await issues({ event: { type: 'x' }, cron: 'every day' }), ['/cron "every day" has 2 fields; a cron pattern has 5 (minute hour day month weekday) or 6 (seconds first)']);
    assert.match((await issues({ event: { type: 'x' }, cron: '61 * * * *' }))[0]!, /^\/cron "61 \* \* \* \*" is not a valid cron pattern/);
    assert.deepEqual(await issues({ event: { type: 'x' }, cron: '0 9 * * *', timezone: 'Mars/Olympus' }), ['/timezone "Mars/Olympus" is not an IANA time zone (e.g. UTC, Europe/Oslo, America/New_York)']);
    assert.deepEqual(await issues({ event: { type: 'x' }, at: '2026-06-02T00:00:00Z', cron: '0 9 * * *' }), ['/at give exactly one of "at" (one time) and "cron" (recurring)']);
    assert.deepEqual(await issues({ event: {}, at: 'tomorrow', every: 5 }), ['/event/type is required', '/at must be an RFC 3339 timestamp with a time zone, e.g. 2027-01-04T09:00:00Z', '/every is not a known field']);
    assert.deepEqual(await issues({ id: 'a/b', event: { type: 'x' }, at: '2026-06-02T00:00:00Z' }), ['/id must be 1-64 letters, digits, _ or -']);
  });

  it('fires each slot once with two schedulers ticking at the same time', async () => {
    const h = harness('2026-06-01T00:00:00.000Z');
    const other = h.make();
    for (let i = 0; i < 20; i += 1) await h.scheduler.create(USER, { id: `s${i}`, event: { type: 'race.slot', data: { i } }, cron: '*/5 * * * * *' });
    for (let second = 0; second < 60; second += 1) {
      await Promise.all([h.scheduler.tick(0), other.tick(0), h.scheduler.tick(0)]);
      await h.drain();
      h.clock.advance(1000);
    }
    const perSchedule = new Map<string, string[]>();
    for (const event of h.delivered) perSchedule.set(event.source, [...(perSchedule.get(event.source) ?? []), event.time]);
    assert.equal(perSchedule.size, 20);
    for (const [source, times] of perSchedule) {
      assert.equal(new Set(times).size, times.length, `${source} fired a slot twice: ${times.join(', ')}`);
      assert.equal(times.length, 11, `${source} fired ${times.length} of the 11 slots from 00:00:05 to 00:00:55`);
    }
    const fired = (await Promise.all(Array.from({ length: 20 }, (_, i) => h.scheduler.get(USER, `s${i}`)))).map((schedule) => schedule.fired);
    assert.deepEqual(fired, Array(20).fill(11));
  });

  it('a crash between the publish and the claim publishes the same event again, delivered once', async () => {
    const inner = new MemoryStateStore({ clock: new TestClock() });
    let failNextClaim = false;
    const flaky = delegate(inner, {
      put: async (partition: string, kind: string, key: string, value: unknown, options?: PutOptions) => {
        if (failNextClaim && kind === 'schedule' && options?.ifMatch !== undefined) {
          failNextClaim = false;
          throw new KernelError('unavailable', 'the store went away (simulated crash)');
        }
        return inner.put(partition, kind, key, value, options);
      },
    });
    const { clock, scheduler, drain, published } = harness('2026-06-01T00:00:00.000Z', flaky);
    await scheduler.create(USER, { id: 'once', event: { type: 'crash.test' }, at: '2026-06-01T00:00:10Z' });
    clock.advance(10_000);
    failNextClaim = true;
    assert.deepEqual(await scheduler.tick(0), { fired: 0, skipped: 0, repaired: 0 }, 'the failed claim is not counted');
    assert.deepEqual(await scheduler.tick(0), { fired: 1, skipped: 0, repaired: 0 });
    assert.equal(published.length, 2);
    assert.equal(published[0]!.id, published[1]!.id);
    assert.equal((await drain()).length, 1);
    assert.equal((await scheduler.get(USER, 'once')).fired, 1);
  });

  it('a tick reads only the due part of the index, however many schedules are not due', async () => {
    const inner = new MemoryStateStore({ clock: new TestClock() });
    let itemsListed = 0;
    const counting = delegate(inner, {
      list: async (...args: Parameters<StateStore['list']>) => {
        const items = await inner.list(...args);
        itemsListed += items.length;
        return items;
      },
    });
    const { clock, scheduler } = harness('2026-06-01T00:00:00.000Z', counting);
    for (let i = 0; i < 1000; i += 1) await scheduler.create(`user${i % 10}`, { id: `later${i}`, event: { type: 'later' }, at: '2027-01-01T00:00:00Z' });
    await scheduler.create(USER, { id: 'soon', event: { type: 'soon' }, at: '2026-06-01T00:00:01Z' });
    clock.advance(1000);
    itemsListed = 0;
    assert.equal((await scheduler.tick(0)).fired, 1);
    assert.ok(itemsListed <= 8, `the tick listed ${itemsListed} index entries for one due slot among 1001`);
  });
});
