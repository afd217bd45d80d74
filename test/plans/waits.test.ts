/**
 * Waiting steps: for an event matched by CEL (with a timeout), for the first of several, for a
 * time. The race other engines lose is tested directly: the awaited event arrives after the
 * step was reached but before its watch is stored, and the wait still completes.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import type { PutOptions, StateItem } from '../../src/kernel/index.js';
import { planHarness, USER, type PlanHarness } from './harness.js';

let harness: PlanHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const approval = {
  id: 'approve',
  plan: [
    { id: 'ask', action: 'emit_event', wait: 'none', event: { type: 'approval.asked', data: { plan: '{{plan.id}}' } } },
    {
      id: 'decision',
      action: 'wait_for_event',
      depends_on: ['ask'],
      timeout: '400ms',
      events: [{ type: 'approval.given', match: 'event.data.plan == plan.id && event.data.approved == true' }],
    },
  ],
};

async function processed(harness: PlanHarness, id: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    const record = await harness.store.get(USER, id);
    if (record?.status === 'processed') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`event ${id} was not processed`);
}

describe('a wait', () => {
  it('completes on the event its CEL match accepts, not on others', async () => {
    harness = planHarness();
    await harness.put(approval);
    const planId = await harness.run('approve');
    await harness.settle(planId, (plan) => (plan['progress'] as { active: number }).active === 1);
    await harness.emit({ type: 'approval.given', data: { plan: 'someone-else', approved: true } });
    await harness.emit({ type: 'approval.given', data: { plan: planId, approved: false } });
    const yes = await harness.emit({ type: 'approval.given', data: { plan: planId, approved: true, by: 'bob' } });
    const { plan, nodes } = await harness.settle(planId);
    assert.equal(plan['status'], 'completed');
    const output = nodes[1]!.output as { id: string; data: { by: string }; matched: number };
    assert.equal(output.id, yes);
    assert.equal(output.data.by, 'bob');
  });

  it('times out when no matching event comes, failing the plan', async () => {
    harness = planHarness();
    await harness.put(approval);
    const { plan, nodes } = await harness.settle(await harness.run('approve'));
    assert.equal(plan['status'], 'failed');
    assert.equal(nodes[1]!.error?.code, 'timeout');
  });

  it('does not miss an event that arrives after the step was reached and before its watch was stored', async () => {
    // The watch's write is held until the awaited event has been processed in full: routing then
    // cannot have sent it to the plan (no watch yet), so only the look-back can find it.
    let planId = '';
    let awaitedId = '';
    const state = new HoldingStateStore(async () => {
      awaitedId = await harness!.emit({ type: 'approval.given', data: { plan: planId, approved: true } });
      await processed(harness!, awaitedId);
    });
    harness = planHarness({ state });
    await harness.put(approval);
    planId = await harness.run('approve');
    const { plan, nodes } = await harness.settle(planId);
    assert.equal(plan['status'], 'completed');
    assert.equal((nodes[1]!.output as { id: string }).id, awaitedId);
    const record = await harness.store.get(USER, awaitedId);
    assert.deepEqual(record?.drivers.map((run) => run.driver) ?? [], [], 'routing did not see it: the wait found it by looking back');
  });

  it("finds an event that another instance's stale cache of watches did not route, by looking again later", async () => {
    // Every routing read sees no watch (as an instance whose cache was loaded before the watch
    // was stored would, for up to its cache's lifetime); the event comes after the first look-back.
    harness = planHarness({ state: new BlindStateStore() });
    await harness.put({ id: 'later', plan: [{ id: 'w', action: 'wait_for_event', events: [{ type: 'approval.given' }] }] });
    const planId = await harness.run('later');
    await harness.settle(planId, (plan) => (plan['progress'] as { active: number }).active === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await harness.emit({ type: 'approval.given', data: { approved: true } });
    await processed(harness, late);
    assert.deepEqual((await harness.store.get(USER, late))?.drivers.map((run) => run.driver), [], 'not routed to the plan');
    const { plan, nodes } = await harness.settle(planId, undefined, 15_000);
    assert.equal(plan['status'], 'completed');
    assert.equal((nodes[0]!.output as { id: string }).id, late);
  });

  it('takes the first of several events', async () => {
    harness = planHarness();
    await harness.put({ id: 'race', plan: [{ id: 'first', action: 'wait_for_event', events: [{ type: 'order.paid' }, { type: 'order.cancelled' }] }] });
    const planId = await harness.run('race');
    await harness.settle(planId, (plan) => (plan['progress'] as { active: number }).active === 1);
    await harness.emit({ type: 'order.cancelled', data: { why: 'changed mind' } });
    const { nodes } = await harness.settle(planId);
    assert.equal((nodes[0]!.output as { type: string; matched: number }).type, 'order.cancelled');
    assert.equal((nodes[0]!.output as { matched: number }).matched, 1);
  });

  it('sleeps for a duration and until a time', async () => {
    harness = planHarness();
    await harness.put({
      id: 'nap',
      plan: [
        { id: 'short', action: 'sleep', duration: '150ms' },
        { id: 'until', action: 'sleep', depends_on: ['short'], until: "{{ now + duration('100ms') }}" },
      ],
    });
    const started = Date.now();
    const { plan, nodes } = await harness.settle(await harness.run('nap'));
    assert.equal(plan['status'], 'completed');
    assert.ok(Date.now() - started >= 240, 'both sleeps took their time');
    assert.ok(nodes.every((node) => node.status === 'completed'));
  });
});

/** A state store that lists no watches: routing never sees one. */
class BlindStateStore extends MemoryStateStore {
  override async list(partition: string, kind: string, options: Parameters<MemoryStateStore['list']>[2]): Promise<StateItem[]> {
    return kind === 'plan-watch' ? [] : super.list(partition, kind, options);
  }
}

/** A state store whose first `plan-watch` write waits for `before` to finish. */
class HoldingStateStore extends MemoryStateStore {
  #held = false;
  constructor(private readonly before: () => Promise<void>) {
    super();
  }
  override async put(partition: string, kind: string, key: string, value: unknown, options?: PutOptions): Promise<StateItem> {
    if (kind === 'plan-watch' && !this.#held) {
      this.#held = true;
      await this.before();
    }
    return super.put(partition, kind, key, value, options);
  }
}
