/**
 * The hot-path counters and histograms render exactly what prom-client's own Counter and
 * Histogram render for the same observations (the differential check), label escaping included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from '../../src/metrics/index.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const label = fc.constantFrom('demo.ping', 'email.received', 'quote"and\\back', 'new\nline');
const observation = fc.record({ a: label, b: fc.constantFrom('ok', 'failed'), value: fc.double({ min: 0, max: 5, noNaN: true }) });

async function render(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe('LabelledCounter and LabelledHistogram', () => {
  it('render what prom-client renders for the same observations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
        const ours = new Registry();
        const theirs = new Registry();
        const counter = new LabelledCounter({ name: 'c_total', help: 'a counter', labelNames: ['a', 'b'], registers: [ours] });
        const histogram = new LabelledHistogram({ name: 'h_seconds', help: 'a histogram', labelNames: ['a', 'b'], buckets: BUCKETS, registers: [ours] });
        const promCounter = new Counter({ name: 'c_total', help: 'a counter', labelNames: ['a', 'b'], registers: [theirs] });
        const promHistogram = new Histogram({ name: 'h_seconds', help: 'a histogram', labelNames: ['a', 'b'], buckets: BUCKETS, registers: [theirs] });
        for (const { a, b, value } of observations) {
          counter.inc(a, b);
          histogram.observe(value, a, b);
          promCounter.inc({ a, b });
          promHistogram.observe({ a, b }, value);
        }
        assert.equal(await render(ours), await render(theirs));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses the wrong number of label values and buckets that do not ascend', () => {
    const registry = new Registry();
    const counter = new LabelledCounter({ name: 'x_total', help: 'x', labelNames: ['a', 'b'], registers: [registry] });
    assert.throws(() => counter.inc('only-one'), /expected 2 label values, got 1/);
    assert.throws(() => new LabelledHistogram({ name: 'y', help: 'y', labelNames: [], buckets: [1, 1], registers: [registry] }), /buckets must ascend/);
  });

  it('ignores observations that are not finite numbers', async () => {
    const registry = new Registry();
    const histogram = new LabelledHistogram({ name: 'z_seconds', help: 'z', labelNames: ['a'], buckets: BUCKETS, registers: [registry] });
    histogram.observe(Number.NaN, 'x');
    histogram.observe(0.5, 'x');
    assert.match(await render(registry), /z_seconds_count\{a="x"\} 1\n/);
  });
});
