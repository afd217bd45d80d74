/**
 * Two plan engines over one state store, as two processor instances are (each with its own
 * in-process lock), driven by hand so that one interleaving is tested exactly. The bus is left
 * out: what the engines publish is collected, and answers are handed to them directly.
 * test/azure/plans-cosmos.test.ts races two whole instances over Service Bus and Cosmos.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryEventStore, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { systemClock, type Envelope, type StateItem } from '../../src/kernel/index.js';
import { PlanSystem } from '../../src/plans/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

const USER = 'alice';

function instance(state: MemoryStateStore, published: Envelope[]): PlanSystem {
  const publish = async (events: readonly Envelope[]) => void published.push(...events);
  const scheduler = new Scheduler({ store: new ScheduleStore(state), publish: async () => undefined, clock: systemClock, logger: silentLogger });
  const tools = { has: () => false, toEvent: () => assert.fail('no tools here') };
  return new PlanSystem({ state, events: new MemoryEventStore(), schedules: scheduler, tools, publish, clock: systemClock, logger: silentLogger });
}

function answerTo(request: Envelope): Envelope {
  const id = `${request.id}.answer`;
  return { specversion: '1.0', id, type: 'demo.done', source: '/drivers/demo', time: new Date().toISOString(), userid: USER, category: 'output', correlationid: request.id, causationid: request.id, recipient: 'plans', depth: request.depth + 1, data: { for: request.id } };
}

/** A state store that, once armed, holds the first read of an item (read, then held) until released. */
class GatedStateStore extends MemoryStateStore {
  #item: { kind: string; key: string } | undefined;
  #reached: () => void = () => undefined;
  #release: Promise<void> = Promise.resolve();
  reached: Promise<void> = Promise.resolve();

  arm(kind: string, key: string): () => void {
    this.#item = { kind, key };
    this.reached = new Promise((resolve) => (this.#reached = resolve));
    let release!: () => void;
    this.#release = new Promise((resolve) => (release = resolve));
    return release;
  }

  override async get(partition: string, kind: string, key: string): Promise<StateItem | undefined> {
    const item = await super.get(partition, kind, key);
    await this.#hold(kind, [key]);
    return item;
  }

  override async getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]> {
    const items = await super.getMany(partition, kind, keys);
    await this.#hold(kind, keys);
    return items;
  }

  async #hold(kind: string, keys: readonly string[]): Promise<void> {
    if (this.#item?.kind !== kind || !keys.includes(this.#item.key)) return;
    this.#item = undefined;
    this.#reached();
    await this.#release;
  }
}

const chain = {
  id: 'chain',
  plan: ['a', 'b', 'c'].map((id, i) => ({ id, action: 'emit_event', ...(i > 0 && { depends_on: [['a', 'b', 'c'][i - 1]!] }), event: { type: 'demo.step', data: { id } } })),
};
const run: Envelope = { specversion: '1.0', id: 'run-1', type: 'instruction.run', source: '/test', time: new Date().toISOString(), userid: USER, category: 'input', correlationid: 'run-1', depth: 0, data: { instruction: 'chain' } };

/** Engines one and two on one gated store, the chain a -> b -> c saved, and a way to answer a node's request. */
async function twoEngines() {
  const state = new GatedStateStore();
  const published: Envelope[] = [];
  const [one, two] = [instance(state, published), instance(state, published)];
  await one.instructions.put(USER, chain);
  const planId = one.planIdOf(run.id, 'chain');
  /** The answer to a node's first request (published by either engine). */
  const answer = (index: number): [Envelope, string] => {
    const request = published.find((event) => event.id === `${planId}.${index}.1`);
    assert.ok(request, `node ${index} was asked for`);
    return [answerTo(request), request.id];
  };
  return { state, published, one, two, planId, answer };
}

describe('two plan engines on one store', () => {
  it('an engine that read a node before another advanced it does not set the header back', async () => {
    // Engine two applies a's answer again (a second delivery) and reads b, running. Before it
    // writes the header, engine one completes b. Two's header must not say b is still running.
    const { state, one, two, planId, answer } = await twoEngines();
    await one.starter.run(run);
    await one.engine.answer(...answer(0));
    const release = state.arm('plan-node', `${planId}/000001`);
    const again = two.engine.answer(...answer(0));
    await state.reached;
    await one.engine.answer(...answer(1));
    release();
    await again;
    await one.engine.answer(...answer(2));

    const { plan, nodes } = await one.get(USER, planId, { limit: 10 });
    assert.deepEqual(nodes.map((node) => node.status), ['completed', 'completed', 'completed']);
    assert.deepEqual(plan['progress'], { nodes: 3, done: 3, active: 0 });
    assert.equal(plan['status'], 'completed');
  });

  it('a second start of the same plan, begun before the first created it, does not write its nodes over the first one\'s progress', async () => {
    // Two deliveries of one instruction.run (a lock that ran out, a driver timeout's retry while
    // the first run still writes): engine two finds no plan, then waits while engine one creates
    // it and runs its first step; then two writes the plan's nodes as new.
    const { state, one, two, planId, answer } = await twoEngines();
    const release = state.arm('plan', planId);
    const late = two.starter.run(run);
    await state.reached;
    await one.starter.run(run);
    await one.engine.answer(...answer(0));
    release();
    await late;
    await one.engine.answer(...answer(1));
    await one.engine.answer(...answer(2));

    const { plan, nodes } = await one.get(USER, planId, { limit: 10 });
    assert.deepEqual(nodes.map((node) => [node.id, node.status, node.attempts.length]), [['a', 'completed', 1], ['b', 'completed', 1], ['c', 'completed', 1]]);
    assert.equal(plan['status'], 'completed');
  });
});
