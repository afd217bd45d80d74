/**
 * Usage per user, model and day: what drivers report with a model reaches the record of the
 * run, the counters per model (buffered or written through), and `modelUsage`, while the
 * totals policies read (tokens, cost) stay as they were.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import type { UsageDelta } from '../../src/kernel/index.js';
import { MODEL_USAGE_KIND, UsageCounters } from '../../src/security/usage/index.js';
import { TestClock, kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';

const NOW = new Date('2026-11-24T10:00:30Z');
const use = (model: string, inputTokens: number, outputTokens: number, costUsd: number, cachedInputTokens = 0) => ({ model, calls: 1, inputTokens, outputTokens, cachedInputTokens, costUsd });

describe('usage per model and day', () => {
  for (const flushMs of [0, 60_000]) {
    it(`counts per model and day, today, this month and each day (flushMs ${flushMs})`, async () => {
      const state = new MemoryStateStore({ clock: new TestClock(NOW) });
      const counters = new UsageCounters(state, { flushMs });
      const earlier = new Date('2026-11-02T08:00:00Z');
      await counters.add('ann', earlier, { tokens: 150, costUsd: 0.1, models: [use('gpt-4o', 100, 50, 0.1)] });
      await counters.add('ann', NOW, { events: 1, tokens: 120, costUsd: 0.3, models: [use('gpt-4o', 100, 20, 0.1, 40), use('claude-haiku-4-5', 0, 0, 0.2)] });
      await counters.add('ann', NOW, { tokens: 30, costUsd: 0.1, models: [use('gpt-4o', 20, 10, 0.1)] });
      await counters.add('ann', new Date('2026-10-31T23:00:00Z'), { models: [use('gpt-4o', 999, 999, 9)] }); // last month
      await counters.add('bob', NOW, { models: [use('gpt-4o', 1, 1, 1)] });

      const check = async () => {
        const report = await counters.modelUsage('ann', NOW);
        assert.equal(report.day, '2026-11-24');
        assert.equal(report.month, '2026-11');
        assert.deepEqual(report.today, [
          { model: 'claude-haiku-4-5', calls: 1, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0.2 },
          { model: 'gpt-4o', calls: 2, inputTokens: 120, outputTokens: 30, cachedInputTokens: 40, costUsd: 0.2 },
        ]);
        assert.deepEqual(report.thisMonth.find((entry) => entry.model === 'gpt-4o'), { model: 'gpt-4o', calls: 3, inputTokens: 220, outputTokens: 80, cachedInputTokens: 40, costUsd: 0.3 });
        assert.deepEqual(report.days.map((entry) => `${entry.day} ${entry.model}`), ['2026-11-24 claude-haiku-4-5', '2026-11-24 gpt-4o', '2026-11-02 gpt-4o']);
        const snapshot = await counters.snapshot('ann', NOW);
        assert.equal(snapshot.tokens_month, 300, 'the totals policies read are unchanged');
      };
      await check();
      await counters.flush();
      await check(); // not counted twice once written
      assert.equal((await state.list('ann', MODEL_USAGE_KIND, { limit: 10 })).length, 4);
    });
  }
});

describe('reportUsage with a model', () => {
  it('adds up per model on the run record and hands the breakdown to the usage recorder', async () => {
    const driver = defineDriver({
      manifest: { id: 'llm', name: 'LLM', version: '1.0.0', type: 'io', capabilities: ['ask'] },
      async handle(_event, context) {
        context.reportUsage({ model: 'gpt-4o', inputTokens: 100, outputTokens: 20, cachedInputTokens: 10, costUsd: 0.0004 });
        context.reportUsage({ model: 'gpt-4o', inputTokens: 50, outputTokens: 5, costUsd: 0.0002 });
        context.reportUsage({ tokens: 7, costUsd: 0.1 }); // no model: totals only, as before
        context.reportUsage({ model: 'x', inputTokens: -5 }); // nonsense is ignored
        return [];
      },
    });
    const deltas: UsageDelta[] = [];
    const { processor } = kernelFixture([driver], { usage: { add: async (_user, _at, delta) => void deltas.push(delta) } });
    const outcome = await processor.process(makeEvent({ type: 'ask' }), { deliveryCount: 1 });
    assert.equal(outcome.kind, 'complete');
    const run = outcome.kind === 'complete' ? outcome.record.drivers[0] : undefined;
    assert.deepEqual(run?.usage, {
      tokens: 182,
      costUsd: 0.0004 + 0.0002 + 0.1,
      models: [{ model: 'gpt-4o', calls: 2, inputTokens: 150, outputTokens: 25, cachedInputTokens: 10, costUsd: 0.0004 + 0.0002 }],
    });
    assert.deepEqual(deltas[0]?.models, run?.usage?.models);
    assert.equal(deltas[0]?.tokens, 182);
  });
});
