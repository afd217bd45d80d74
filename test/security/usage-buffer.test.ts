/**
 * UsageCounters with write-behind buffering (what the hosts run): counts are seen at once by
 * the instance that made them, reach the store on flush, survive a failed write, and another
 * instance sees them after the flush.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { KernelError, type StateStore } from '../../src/kernel/index.js';
import { UsageCounters, USAGE_KIND } from '../../src/security/usage/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';

const NOW = new Date('2026-11-24T10:00:30Z');

/** A store whose increments fail while `failing` is set (a store outage). */
class FlakyStore extends MemoryStateStore {
  failing = false;
  override async increment(...args: Parameters<StateStore['increment']>): Promise<void> {
    if (this.failing) throw new KernelError('unavailable', 'store is down');
    return super.increment(...args);
  }
}

describe('buffered usage counters', () => {
  it('counts locally at once and writes the store only on flush', async () => {
    const state = new MemoryStateStore({ clock: new TestClock(NOW) });
    const counters = new UsageCounters(state, { flushMs: 60_000 });
    for (let i = 0; i < 10; i += 1) await counters.add('ann', NOW, { events: 1, costUsd: 0.5 });
    assert.equal((await counters.snapshot('ann', NOW)).events_per_minute, 10);
    assert.equal((await counters.snapshot('ann', NOW)).cost_month, 5);
    assert.deepEqual(await state.list('ann', USAGE_KIND, { limit: 10 }), [], 'nothing written before the flush');
    await counters.flush();
    const items = await state.list('ann', USAGE_KIND, { limit: 10 });
    assert.equal(items.length, 4, 'one item per granularity');
    assert.deepEqual(items.map((item) => (item.value as { events: number }).events), [10, 10, 10, 10]);
    assert.equal((await counters.snapshot('ann', NOW)).events_per_minute, 10, 'not counted twice after the flush');
    const other = new UsageCounters(state);
    assert.equal((await other.snapshot('ann', NOW)).cost_month, 5, 'another instance sees the flushed counts');
  });

  it('keeps counts whose write failed and writes them on the next flush', async () => {
    const state = new FlakyStore({ clock: new TestClock(NOW) });
    const errors: unknown[] = [];
    const counters = new UsageCounters(state, { flushMs: 60_000, onFlushError: (error) => errors.push(error) });
    await counters.add('bo', NOW, { events: 3 });
    state.failing = true;
    await counters.flush();
    assert.equal(errors.length, 4);
    assert.equal((await counters.snapshot('bo', NOW)).events_per_minute, 3, 'still counted while unwritten');
    state.failing = false;
    await counters.add('bo', NOW, { events: 2 });
    await counters.flush();
    assert.equal((await new UsageCounters(state).snapshot('bo', NOW)).events_per_minute, 5);
  });

  it('flushes by itself after the interval', async () => {
    const state = new MemoryStateStore({ clock: new TestClock(NOW) });
    const counters = new UsageCounters(state, { flushMs: 20 });
    await counters.add('cy', NOW, { tokens: 7 });
    for (let i = 0; i < 100 && (await state.list('cy', USAGE_KIND, { limit: 10 })).length === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await new UsageCounters(state).snapshot('cy', NOW)).tokens_today, 7);
  });
});
