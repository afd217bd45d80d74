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

/** A state store that, once armed, holds the first read of the given node key until released. */
class GatedStateStore extends MemoryStateStore {
  #key: string | undefined;
  #reached: () => void = () => undefined;
  #release: Promise<void> = Promise.resolve();
  reached: Promise<void> = Promise.resolve();

  arm(key: string): () => void {
    this.#key = key;
    this.reached = new Promise((resolve) => (this.#reached = resolve));
    let release!: () => void;
    this.#release = new Promise((resolve) => (release = resolve));
    return release;
  }

  override async getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]> {
    const items = await super.getMany(partition, kind, keys);
    if (this.#key !== undefined && keys.includes(this.#key)) {
      this.#key = undefined;
      this.#reached();
      await this.#release;
    }
    return items;
  }
}

describe('two plan engines on one store', () => {
  it('an engine that read a node before another advanced it does not set the header back', async () => {
    // Engine two applies a's answer again (a second delivery) and reads b, running. Before it
    // writes the header, engine one completes b. Two's header must not say b is still running.
    const state = new GatedStateStore();
    const published: Envelope[] = [];
    const [one, two] = [instance(state, published), instance(state, published)];
    await one.instructions.put(USER, {
      id: 'chain',
      plan: ['a', 'b', 'c'].map((id, i) => ({ id, action: 'emit_event', ...(i > 0 && { depends_on: [['a', 'b', 'c'][i - 1]!] }), event: { type: 'demo.step', data: { id } } })),
    });
    const run: Envelope = { specversion: '1.0', id: 'run-1', type: 'instruction.run', source: '/test', time: new Date().toISOString(), userid: USER, category: 'input', correlationid: 'run-1', depth: 0, data: { instruction: 'chain' } };
    await one.starter.run(run);
    const planId = one.planIdOf('run-1', 'chain');
    const request = (index: number) => published.find((event) => event.id === `${planId}.${index}.1`)!;

    const a = answerTo(request(0));
    await one.engine.answer(a, a.causationid!);
    const release = state.arm(`${planId}/000001`);
    const again = two.engine.answer(a, a.causationid!);
    await state.reached;
    const b = answerTo(request(1));
    await one.engine.answer(b, b.causationid!);
    release();
    await again;
    const c = answerTo(request(2));
    await one.engine.answer(c, c.causationid!);

    const { plan, nodes } = await one.get(USER, planId, { limit: 10 });
    assert.deepEqual(nodes.map((node) => node.status), ['completed', 'completed', 'completed']);
    assert.deepEqual(plan['progress'], { nodes: 3, done: 3, active: 0 });
    assert.equal(plan['status'], 'completed');
  });
});
