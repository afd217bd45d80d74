/**
 * `now` in templates: steps that become ready in the same transition (a plan's roots, the
 * dependents of one answer) share one instant, so one step's `now - duration('24h')` and
 * another's `now` meet exactly (the standup's mail "since" and calendar "start").
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { answering, planHarness, type PlanHarness } from './harness.js';

let harness: PlanHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('now', () => {
  it('is one instant for every step started together, and equals their readyAt', async () => {
    const driver = answering('echo', 'demo.echo', (event) => ({ type: 'demo.echo.result', data: event.data }));
    harness = planHarness({ drivers: [driver] });
    // Enough roots that starting them takes longer than a millisecond.
    const roots = Array.from({ length: 200 }, (_, index) => ({ id: `root${index}`, action: 'emit_event', event: { type: 'demo.echo', data: { now: '{{ now }}', since: "{{ now - duration('24h') }}" } } }));
    const ids = roots.map((root) => root.id);
    await harness.put({ id: 'together', plan: [...roots, { id: 'after', action: 'emit_event', depends_on: ids, event: { type: 'demo.echo', data: { now: '{{ now }}' } } }] });
    const { plan, nodes } = await harness.settle(await harness.run('together'));
    assert.equal(plan['status'], 'completed');
    const started = nodes.filter((node) => node.id !== 'after');
    const instants = new Set(started.map((node) => node.readyAt));
    assert.equal(instants.size, 1, `one readyAt for the roots, not ${instants.size}`);
    const [instant] = instants;
    for (const node of started) {
      const output = node.output as { now: string; since: string };
      assert.equal(output.now, instant);
      assert.equal(new Date(output.now).getTime() - new Date(output.since).getTime(), 24 * 3_600_000);
    }
    const after = nodes.find((node) => node.id === 'after')!;
    assert.equal((after.output as { now: string }).now, after.readyAt);
    assert.ok(new Date(after.readyAt!) >= new Date(Math.max(...started.map((node) => new Date(node.finishedAt!).getTime()))));
  });
});
