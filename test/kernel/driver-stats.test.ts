/** What GET /api/drivers reports of each driver's recent runs: latency percentiles, the last run, health. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defineDriver } from '../../src/drivers/index.js';
import { RUN_FAILED, RUN_SUCCEEDED, RUN_TIMED_OUT, RUN_WINDOW, RunWindow } from '../../src/kernel/processor/run-window.js';
import { KernelError } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent, TestClock } from '../helpers/kernel-fixture.js';

describe('RunWindow', () => {
  it('reports nearest-rank percentiles and the mean, and nothing before the first run', () => {
    const window = new RunWindow();
    assert.deepEqual(window.latency(), { p50: null, p95: null, p99: null, mean: null, samples: 0 });
    // Recorded out of order: the percentiles sort a copy.
    for (const duration of [...Array.from({ length: 100 }, (_, index) => 100 - index)]) window.record(duration, RUN_SUCCEEDED, 0);
    assert.deepEqual(window.latency(), { p50: 50, p95: 95, p99: 99, mean: 50.5, samples: 100 });
    const one = new RunWindow();
    one.record(7.5, RUN_FAILED, 0);
    assert.deepEqual(one.latency(), { p50: 7.5, p95: 7.5, p99: 7.5, mean: 7.5, samples: 1 });
  });

  it('keeps only the last 256 runs', () => {
    const window = new RunWindow();
    for (let run = 0; run < 300; run += 1) window.record(run < 44 ? 1000 : 1, RUN_SUCCEEDED, 0);
    assert.deepEqual(window.latency(), { p50: 1, p95: 1, p99: 1, mean: 1, samples: RUN_WINDOW }, 'the 44 slow runs are gone');
  });

  it('judges health by the last 20 runs: idle, ok, degraded, failing', () => {
    const window = new RunWindow();
    assert.equal(window.health(undefined).status, 'idle');
    for (let run = 0; run < 30; run += 1) window.record(1, RUN_FAILED, 0);
    for (let run = 0; run < 20; run += 1) window.record(1, RUN_SUCCEEDED, 0);
    assert.deepEqual(window.health(undefined), { status: 'ok', reason: 'the last 20 runs succeeded' }, 'older failures no longer count');
    window.record(1, RUN_TIMED_OUT, 0);
    const degraded = window.health({ code: 'driver_timeout', message: 'too slow' });
    assert.equal(degraded.status, 'degraded');
    assert.equal(degraded.reason, 'of the last 20 runs, 1 timed out (last error driver_timeout: too slow)');
    for (let run = 0; run < 9; run += 1) window.record(1, RUN_FAILED, 0);
    assert.deepEqual(window.health(undefined), { status: 'failing', reason: 'of the last 20 runs, 9 failed and 1 timed out' }, 'half is failing');
    const single = new RunWindow();
    single.record(1, RUN_FAILED, 0);
    assert.equal(single.health(undefined).status, 'failing');
  });
});

describe('EventProcessor.driverStats', () => {
  const ok = defineDriver({ manifest: { id: 'ok', name: 'Ok', version: '1.0.0', type: 'tool', capabilities: ['ok.*'] }, async handle() { return []; } });
  const flaky = defineDriver({
    manifest: { id: 'flaky', name: 'Flaky', version: '1.0.0', type: 'tool', capabilities: ['flaky.*'] },
    async handle(event) {
      if (event.type === 'flaky.fail') throw new KernelError('driver_failed', 'it broke', { retryable: false });
      return [];
    },
  });
  const stuck = defineDriver({
    manifest: { id: 'stuck', name: 'Stuck', version: '1.0.0', type: 'tool', capabilities: ['stuck.*'], resources: { timeout: 20, maxConcurrency: 4 } },
    handle: () => new Promise<never>(() => undefined),
  });

  it('reports counters, latency, the last run and health per driver', async () => {
    const clock = new TestClock();
    const { processor } = kernelFixture([ok, flaky, stuck], { clock });
    let serial = 0;
    const run = async (type: string): Promise<void> => {
      serial += 1;
      await processor.process(makeEvent({ id: `e${serial}`, type }), { deliveryCount: 1 });
    };
    for (let index = 0; index < 5; index += 1) await run('ok.go');
    for (const type of ['flaky.go', 'flaky.go', 'flaky.go', 'flaky.fail']) await run(type);
    await run('stuck.go');

    const okStats = processor.driverStats('ok');
    assert.equal(okStats.invocations, 5);
    assert.equal(okStats.latencyMs.samples, 5);
    assert.ok(okStats.latencyMs.p50! >= 0 && okStats.latencyMs.p50! <= okStats.latencyMs.p95! && okStats.latencyMs.p95! <= okStats.latencyMs.p99!);
    assert.deepEqual(okStats.health, { status: 'ok', reason: 'the last 5 runs succeeded' });
    assert.ok(okStats.lastRunAt !== null && Date.parse(okStats.lastRunAt) <= clock.now().getTime(), 'on the clock\'s time line, not after now');
    assert.ok(clock.now().getTime() - Date.parse(okStats.lastRunAt) < 60_000);

    const flakyStats = processor.driverStats('flaky');
    assert.deepEqual([flakyStats.invocations, flakyStats.failures, flakyStats.health.status], [4, 1, 'degraded']);
    assert.match(flakyStats.health.reason, /1 failed \(last error driver_failed: .*it broke\)/);

    const stuckStats = processor.driverStats('stuck');
    assert.deepEqual([stuckStats.timeouts, stuckStats.health.status], [1, 'failing']);
    assert.ok(stuckStats.latencyMs.p50! >= 15, 'a timed-out run lasts its timeout');

    const never = processor.driverStats('nobody');
    assert.deepEqual(never, { invocations: 0, failures: 0, timeouts: 0, inFlight: 0, lastRunAt: null, latencyMs: { p50: null, p95: null, p99: null, mean: null, samples: 0 }, health: { status: 'idle', reason: 'no run since this instance started' } });
    const report = processor.driverStats('ok');
    report.invocations = 99;
    assert.equal(processor.driverStats('ok').invocations, 5, 'a report is a copy');
  });
});
