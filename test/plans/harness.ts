/**
 * A whole system in memory for plan tests: the in-memory queue, event store and state store, the
 * processor with the plans driver and its routes, a QueueWorker draining the queue (real time,
 * so timers and backoffs fire), and helpers to save and run instructions and wait for plans.
 */
import assert from 'node:assert/strict';
import { MemoryEventStore, MemoryQueue, MemoryStateStore, MemoryAuditLog } from '../../src/adapters/memory/index.js';
import { createDriverRegistry } from '../../src/drivers/index.js';
import { EventProcessor, ingest, QueueWorker, systemClock, type Authorizer, type Driver, type Envelope, type StateStore } from '../../src/kernel/index.js';
import { PlanSystem, type Plan } from '../../src/plans/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { allowAllAuthorizer } from '../../src/security/index.js';
import { nativeTools } from '../../src/wiring/index.js';
import { combineRoutes } from '../../src/wiring/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

export const USER = 'alice';

export interface HarnessOptions {
  drivers?: Driver[];
  state?: StateStore;
  store?: MemoryEventStore;
  queue?: MemoryQueue;
  authorizer?: Authorizer;
  resultTimeoutMs?: number;
  concurrency?: number;
}

export function planHarness(options: HarnessOptions = {}) {
  const clock = systemClock;
  const state = options.state ?? new MemoryStateStore();
  const store = options.store ?? new MemoryEventStore();
  const queue = options.queue ?? new MemoryQueue({ clock });
  if (options.queue === undefined) queue.bindStore(store, new MemoryAuditLog());
  const tools = createToolRegistry(nativeTools());
  const publish = async (events: readonly Envelope[], notBefore?: Date) => {
    await ingest(events, { bus: queue, store, clock }, notBefore === undefined ? {} : { notBefore });
  };
  const scheduler = new Scheduler({ store: new ScheduleStore(state), publish: (event, notBefore) => publish([event], notBefore), clock, logger: silentLogger });
  const plans = new PlanSystem({ state, events: store, schedules: scheduler, tools: { has: (name) => tools.get(name) !== undefined, toEvent: (name, args) => tools.get(name)!.toEvent(args) }, publish, clock, logger: silentLogger, ...(options.resultTimeoutMs !== undefined && { resultTimeoutMs: options.resultTimeoutMs }) });
  const registry = createDriverRegistry([...(options.drivers ?? []), plans.driver]);
  const processor = new EventProcessor({ store, drivers: registry, authorizer: options.authorizer ?? allowAllAuthorizer, clock, logger: silentLogger, dynamicRoutes: combineRoutes(plans.routes), options: { retryBaseMs: 20, retryMaxMs: 200 } });
  const worker = new QueueWorker(queue, processor, silentLogger, { concurrency: options.concurrency ?? 16, idleWaitMs: 10, errorDelayMs: 20 });
  worker.start();

  async function put(instruction: unknown) {
    return plans.instructions.put(USER, instruction);
  }

  /** Publishes `instruction.run` as the API does; returns the plan's id. */
  async function run(instructionId: string, inputs: Record<string, unknown> = {}, eventId = `run-${Math.random().toString(36).slice(2)}`): Promise<string> {
    const { type, data } = await plans.runEvent(USER, instructionId, inputs);
    await emit({ id: eventId, type, data });
    return plans.planIdOf(eventId, instructionId);
  }

  async function emit(event: { id?: string; type: string; data?: unknown; subject?: string }): Promise<string> {
    const id = event.id ?? `ev-${Math.random().toString(36).slice(2)}`;
    await publish([{ specversion: '1.0', id, type: event.type, source: '/test', time: new Date().toISOString(), userid: USER, category: 'input', correlationid: id, depth: 0, ...(event.data !== undefined && { data: event.data }), ...(event.subject !== undefined && { subject: event.subject }) }]);
    return id;
  }

  /** Waits until the plan is finished (or `until` says so); returns the API's view of it. */
  async function settle(planId: string, until: (plan: Record<string, unknown>) => boolean = (plan) => PlanSystem.isFinished(plan['status'] as Plan['status']), timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await plans.get(USER, planId, { limit: 10_000 }).catch(() => undefined);
      if (view && until(view.plan)) return view;
      if (Date.now() > deadline) assert.fail(`plan ${planId} did not settle: ${JSON.stringify(view?.plan)} ${JSON.stringify(view?.nodes.map((node) => [node.id, node.status]))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  return { clock, state, store, queue, plans, processor, worker, scheduler, tools, put, run, emit, settle, publish, stop: () => worker.stop(1000) };
}

export type PlanHarness = ReturnType<typeof planHarness>;

/** A driver answering `type` with `result` computed from the request (or failing as told). */
export function answering(id: string, type: string, answer: (event: Envelope, attempt: number) => { type: string; data?: unknown } | Error): Driver & { calls: Envelope[] } {
  const calls: Envelope[] = [];
  return {
    calls,
    manifest: { id, name: id, version: '1.0.0', type: 'tool', capabilities: [type], external: false, resources: { timeout: 5000, maxConcurrency: 64 } },
    async handle(event, context) {
      calls.push(event);
      const result = answer(event, context.attempt);
      if (result instanceof Error) throw result;
      return [result];
    },
  };
}
