/**
 * A plan of 10,000 nodes (some engines stop at 1,000 steps): a tree of a root, 99 branches and
 * 9,900 leaves, every node a real event answered by a driver, in memory. And a 1,000-way fan-in:
 * one step waiting for a thousand, whose arrivals all land on the same node.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { answering, planHarness, USER, type PlanHarness } from './harness.js';

let harness: PlanHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('large plans', () => {
  it('runs 10,000 nodes to completion, each step once', async () => {
    const driver = answering('echo', 'demo.echo', (event) => ({ type: 'demo.echo.result', data: { n: (event.data as { n: number }).n } }));
    harness = planHarness({ drivers: [driver], concurrency: 64 });
    const plan = [{ id: 'root', action: 'emit_event', event: { type: 'demo.echo', data: { n: 0 } } }];
    for (let branch = 0; branch < 99; branch += 1) {
      plan.push({ id: `b${branch}`, action: 'emit_event', depends_on: ['root'], event: { type: 'demo.echo', data: { n: branch } } } as (typeof plan)[number]);
      for (let leaf = 0; leaf < 100; leaf += 1) plan.push({ id: `b${branch}_l${leaf}`, action: 'emit_event', depends_on: [`b${branch}`], event: { type: 'demo.echo', data: { n: leaf } } } as (typeof plan)[number]);
    }
    assert.equal(plan.length, 10_000);
    await harness.put({ id: 'big', plan });
    const planId = await harness.run('big');
    const { plan: view } = await harness.settle(planId, undefined, 240_000);
    assert.equal(view['status'], 'completed');
    assert.deepEqual(view['progress'], { nodes: 10_000, done: 10_000, active: 0 });
    assert.equal(driver.calls.length, 10_000);
    assert.equal(new Set(driver.calls.map((call) => call.id)).size, 10_000, 'one request per node');
    assert.ok(driver.calls.every((call) => call.id.endsWith('.1')), 'each on its first attempt');
    const page = await harness.plans.get(USER, planId, { after: 9_989, limit: 100 });
    assert.deepEqual(page.nodes.map((node) => node.id), Array.from({ length: 10 }, (_, leaf) => `b98_l${90 + leaf}`), 'nodes page by index');
  });

  it('joins a 1,000-way fan-in once all of them are done, reading any of their outputs', async () => {
    const driver = answering('echo', 'demo.echo', (event) => ({ type: 'demo.echo.result', data: { n: (event.data as { n: number }).n } }));
    harness = planHarness({ drivers: [driver], concurrency: 64 });
    const leaves = Array.from({ length: 1000 }, (_, n) => ({ id: `l${n}`, action: 'emit_event', event: { type: 'demo.echo', data: { n } } }));
    await harness.put({ id: 'join', plan: [...leaves, { id: 'sum', action: 'emit_event', depends_on: leaves.map((leaf) => leaf.id), event: { type: 'demo.echo', data: { n: '{{steps.l0.output.n + steps.l999.output.n}}' } } }] });
    const { plan } = await harness.settle(await harness.run('join'), undefined, 120_000);
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(plan['outputs'], { sum: { n: 999 } });
    assert.equal(driver.calls.length, 1001);
  });
});
