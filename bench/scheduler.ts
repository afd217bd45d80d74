/**
 * The scheduler's tick with 100,000 schedules, on the embedded default's SQLite file: a tick that
 * finds nothing due, and a tick that fires 10 slots (each through the kernel's ingress into the
 * SQLite queue, as in `npm start`). Baseline, in the same run: the same ticks with 1,000
 * schedules. The tick reads the due index in fire-time order and stops at the first entry not
 * due, so its cost should not grow with the schedules that are not due.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalStorage } from '../src/adapters/local/open-local-storage.js';
import { ingest, systemClock } from '../src/kernel/index.js';
import { Scheduler, ScheduleStore, type Schedule } from '../src/scheduler/index.js';
import { createLogger } from '../src/logging.js';
import { percentiles, row, runPool, type BenchRow } from './stats.js';

const DUE_PER_TICK = 10;
const ROUNDS = 40;
/** Rounds first run and not counted: the first store opened in the process also warms the JIT. */
const WARMUP_ROUNDS = 10;
const USERS = 1000;

interface Measured {
  empty: number[];
  firing: number[];
}

async function measure(schedules: number, log: (line: string) => void): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'vextir-scheduler-bench-'));
  const storage = openLocalStorage({ file: join(dir, 'bench.db'), clock: systemClock });
  try {
    const store = new ScheduleStore(storage.state);
    const scheduler = new Scheduler({
      store,
      publish: async (event, notBefore) => {
        await ingest([event], { bus: storage.queue, store: storage.store, clock: systemClock, sharedCommit: true }, notBefore === undefined ? {} : { notBefore });
      },
      clock: systemClock,
      logger: createLogger({ level: 'warn', format: 'json' }, { service: 'bench' }),
    });
    const now = new Date().toISOString();
    const later = '2030-01-01T00:00:00.000Z';
    const seed = (id: string, userId: string, at: string): Schedule => ({ id, userId, event: { type: 'bench.later' }, at, timezone: 'UTC', catchup: 'once', status: 'active', nextFireAt: at, fired: 0, skipped: 0, createdAt: now, updatedAt: now });
    const started = performance.now();
    await runPool(schedules, 64, async (i) => {
      const schedule = seed(`later${i}`, `user${i % USERS}`, later);
      await store.putDue(later, schedule.userId, schedule.id);
      await store.create(schedule);
    });
    log(`scheduler: seeded ${schedules.toLocaleString('en-US')} schedules in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const measured: Measured = { empty: [], firing: [] };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
      const counted = round >= WARMUP_ROUNDS;
      let t = performance.now();
      const idle = await scheduler.tick(0);
      if (counted) measured.empty.push(performance.now() - t);
      if (idle.fired !== 0) throw new Error(`an empty tick fired ${idle.fired}`);
      const at = new Date(Date.now() - 1).toISOString();
      for (let i = 0; i < DUE_PER_TICK; i += 1) {
        const schedule = seed(`due${round}-${i}`, `user${i}`, at);
        await store.putDue(at, schedule.userId, schedule.id);
        await store.create(schedule);
      }
      t = performance.now();
      const result = await scheduler.tick(0);
      if (counted) measured.firing.push(performance.now() - t);
      if (result.fired !== DUE_PER_TICK) throw new Error(`a tick fired ${result.fired} of ${DUE_PER_TICK}`);
    }
    return measured;
  } finally {
    storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runSchedulerBench(log: (line: string) => void): Promise<BenchRow[]> {
  const small = await measure(1000, log);
  const large = await measure(100_000, log);
  const p = (values: number[]) => percentiles(values).p50;
  return [
    row({ bench: 'scheduler', name: 'tick, nothing due, 100,000 schedules, p50', value: p(large.empty), unit: 'ms', baseline: { name: 'same, 1,000 schedules', value: p(small.empty), unit: 'ms' }, note: `${ROUNDS} ticks; SQLite state store` }),
    row({ bench: 'scheduler', name: `tick firing ${DUE_PER_TICK} slots, 100,000 schedules, p50`, value: p(large.firing), unit: 'ms', baseline: { name: 'same, 1,000 schedules', value: p(small.firing), unit: 'ms' }, note: 'each slot: read the schedule, publish its event through the ingress (record + queue), claim with the ETag, move the index entry' }),
  ];
}
