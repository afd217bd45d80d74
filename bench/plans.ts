/**
 * Plans: a 200-step chain and a 1,000-node fan-out/fan-in, in the kernel (in-memory ports, the
 * allow-all authorizer, as the kernel bench's first rows) and on the embedded default (SQLite,
 * the default policies, started over HTTP as a user would).
 *
 * Baseline, in the same run and on the same system: the same driver work without the engine:
 * a relay of 200 hops (with the loop guard raised for it) (each step's event emits the next), and one event fanning out 1,000 events
 * whose answers are joined by counting. The engine's overhead per step is the plan's wall time
 * minus the baseline's, divided by the steps. Published figures for hosted engines are 15-500 ms
 * per step.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryAuditLog, MemoryEventStore, MemoryQueue, MemoryStateStore } from '../src/adapters/memory/index.js';
import { loadConfig } from '../src/config.js';
import { createDriverRegistry } from '../src/drivers/index.js';
import { startLocal } from '../src/hosts/embedded/index.js';
import { EventProcessor, ingest, QueueWorker, systemClock, type Driver, type Envelope } from '../src/kernel/index.js';
import { createLogger } from '../src/logging.js';
import { PlanSystem } from '../src/plans/index.js';
import { Scheduler, ScheduleStore } from '../src/scheduler/index.js';
import { allowAllAuthorizer, loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import { combineRoutes } from '../src/wiring/index.js';
import createPlanProbeDriver, { finished } from './plan-probe-driver.js';
import { benchModule } from './modules.js';
import { percentiles, row, type BenchRow } from './stats.js';

const CHAIN = 200;
const FAN = 1000;
const RUNS = 5;

const chain = { id: 'bench_chain', plan: Array.from({ length: CHAIN }, (_, n) => ({ id: `s${n}`, action: 'emit_event', ...(n > 0 && { depends_on: [`s${n - 1}`] }), event: { type: 'bench.step', data: { n } } })) };
const fan = {
  id: 'bench_fan',
  plan: [
    { id: 'root', action: 'emit_event', event: { type: 'bench.step', data: { n: 0 } } },
    ...Array.from({ length: FAN }, (_, n) => ({ id: `leaf${n}`, action: 'emit_event', depends_on: ['root'], event: { type: 'bench.step', data: { n } } })),
    { id: 'join', action: 'emit_event', depends_on: Array.from({ length: FAN }, (_, n) => `leaf${n}`), event: { type: 'bench.step', data: { n: -1 } } },
  ],
};

/** What a system under test offers the bench: start a plan, start a baseline. */
interface Target {
  runPlan(instruction: string): Promise<string>;
  emit(type: string, data: unknown): Promise<void>;
}

/** Everything that finished, by id: a plan may finish before the request that started it has been answered. */
const done = new Map<string, string>();
finished.on('plan', (id: string, type: string) => done.set(id, type));
finished.on('baseline', (id: string) => done.set(id, 'baseline'));

function waitFor(kind: 'plan' | 'baseline', id: string): Promise<void> {
  const already = done.get(id);
  if (already !== undefined) return already === 'plan.failed' ? Promise.reject(new Error(`plan ${id} failed`)) : Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} ${id} did not finish within 120 s`)), 120_000);
    const listener = (done: string, type?: string) => {
      if (done !== id) return;
      finished.off(kind, listener);
      clearTimeout(timer);
      if (type === 'plan.failed') reject(new Error(`plan ${id} failed`));
      else resolve();
    };
    finished.on(kind, listener);
  });
}

async function timePlan(target: Target, instruction: string): Promise<number> {
  const started = performance.now();
  const planId = await target.runPlan(instruction);
  await waitFor('plan', planId);
  return performance.now() - started;
}

let baselines = 0;
async function timeBaseline(target: Target, type: 'bench.relay' | 'bench.fan', of: number): Promise<number> {
  const run = `b${(baselines += 1)}`;
  const started = performance.now();
  const done = waitFor('baseline', run);
  await target.emit(type, { run, of, n: 0 });
  await done;
  return performance.now() - started;
}

async function measure(target: Target, label: string, log: (line: string) => void): Promise<BenchRow[]> {
  // Warm up once (JIT, caches, compiled instructions), then alternate engine and baseline.
  await timePlan(target, 'bench_chain');
  await timeBaseline(target, 'bench.relay', CHAIN);
  const results = { chain: [] as number[], relay: [] as number[], fan: [] as number[], fanBase: [] as number[] };
  for (let i = 0; i < RUNS; i += 1) {
    results.chain.push(await timePlan(target, 'bench_chain'));
    results.relay.push(await timeBaseline(target, 'bench.relay', CHAIN));
    results.fan.push(await timePlan(target, 'bench_fan'));
    results.fanBase.push(await timeBaseline(target, 'bench.fan', FAN));
  }
  const p = (values: number[]) => percentiles(values).p50;
  log(`plans ${label}: chain ${p(results.chain).toFixed(0)} ms (relay ${p(results.relay).toFixed(0)} ms); fan ${p(results.fan).toFixed(0)} ms (baseline ${p(results.fanBase).toFixed(0)} ms)`);
  const threshold = label === 'kernel' ? 1 : 5;
  return [
    row({ bench: 'plans', name: `${label}: ${CHAIN}-step chain, plan wall time`, value: p(results.chain), unit: 'ms', baseline: { name: `${CHAIN}-hop relay without the engine`, value: p(results.relay), unit: 'ms' } }),
    row({ bench: 'plans', name: `${label}: engine overhead per chain step`, value: (p(results.chain) - p(results.relay)) / CHAIN, unit: 'ms/step', target: { of: 'value', op: '<', threshold } }),
    row({ bench: 'plans', name: `${label}: ${FAN}-node fan-out/fan-in, plan wall time`, value: p(results.fan), unit: 'ms', baseline: { name: `${FAN} events fanned out and counted without the engine`, value: p(results.fanBase), unit: 'ms' } }),
    row({ bench: 'plans', name: `${label}: engine overhead per fan-out node`, value: (p(results.fan) - p(results.fanBase)) / (FAN + 2), unit: 'ms/node', target: { of: 'value', op: '<', threshold } }),
  ];
}

function kernelTarget(): { target: Target; stop(): Promise<void> } {
  const clock = systemClock;
  const logger = createLogger({ level: 'warn', format: 'json' }, { service: 'bench' });
  const state = new MemoryStateStore();
  const store = new MemoryEventStore();
  const queue = new MemoryQueue({ clock });
  queue.bindStore(store, new MemoryAuditLog());
  const publish = async (events: readonly Envelope[], notBefore?: Date) => {
    await ingest(events, { bus: queue, store, clock }, notBefore === undefined ? {} : { notBefore });
  };
  const scheduler = new Scheduler({ store: new ScheduleStore(state), publish: (event, notBefore) => publish([event], notBefore), clock, logger });
  const plans = new PlanSystem({ state, events: store, schedules: scheduler, tools: { has: () => false, toEvent: () => ({ type: 'none', data: {} }) }, publish, clock, logger });
  const registry = createDriverRegistry([createPlanProbeDriver() as unknown as Driver, plans.driver]);
  const processor = new EventProcessor({ store, drivers: registry, authorizer: allowAllAuthorizer, clock, logger, dynamicRoutes: combineRoutes(plans.routes), options: { maxDepth: 1000 } });
  const worker = new QueueWorker(queue, processor, logger, { concurrency: 64, idleWaitMs: 5, errorDelayMs: 20 });
  worker.start();
  let n = 0;
  const root = (type: string, data: unknown): Envelope => {
    const id = `bench-${(n += 1)}`;
    return { specversion: '1.0', id, type, source: '/bench', time: new Date().toISOString(), userid: 'bench', category: 'input', correlationid: id, depth: 0, data };
  };
  const ready = Promise.all([plans.instructions.put('bench', chain), plans.instructions.put('bench', fan)]);
  return {
    target: {
      async runPlan(instruction) {
        await ready;
        const event = root('instruction.run', { instruction });
        await publish([event]);
        return plans.planIdOf(event.id, instruction);
      },
      emit: (type, data) => publish([root(type, data)]),
    },
    stop: () => worker.stop(1000),
  };
}

async function embeddedTarget(dataDir: string): Promise<{ target: Target; stop(): Promise<void> }> {
  const configFile = join(dataDir, 'vextir.config.json');
  writeFileSync(configFile, JSON.stringify({ drivers: [{ module: benchModule('plan-probe-driver') }] }));
  // The relay's 200 hops go deeper than the loop guard's default 64 (a plan's steps do not: each is a root of its own).
  const config = loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', LOG_LEVEL: 'warn', VEXTIR_MAX_DEPTH: '1000' });
  const host = await startLocal(config, createLogger({ level: 'warn', format: 'json' }, { service: 'bench' }));
  const headers = { authorization: `Bearer ${await signDevToken(loadOrCreateDevSecret(dataDir), 'bench')}`, 'content-type': 'application/json' };
  for (const instruction of [chain, fan]) {
    const response = await fetch(`${host.url}/api/instructions`, { method: 'POST', headers, body: JSON.stringify(instruction) });
    if (!response.ok) throw new Error(`saving ${instruction.id}: ${response.status} ${await response.text()}`);
  }
  return {
    target: {
      async runPlan(instruction) {
        const response = await fetch(`${host.url}/api/instructions/${instruction}/run`, { method: 'POST', headers, body: '{}' });
        if (response.status !== 202) throw new Error(`run ${instruction}: ${response.status} ${await response.text()}`);
        return ((await response.json()) as { plan: string }).plan;
      },
      async emit(type, data) {
        const response = await fetch(`${host.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ type, data }) });
        if (response.status !== 202) throw new Error(`emit ${type}: ${response.status} ${await response.text()}`);
      },
    },
    stop: () => host.stop(),
  };
}

export async function runPlansBench(log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const kernel = kernelTarget();
  try {
    rows.push(...(await measure(kernel.target, 'kernel', log)));
  } finally {
    await kernel.stop();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-bench-plans-'));
  try {
    const embedded = await embeddedTarget(dataDir);
    try {
      rows.push(...(await measure(embedded.target, 'embedded', log)));
    } finally {
      await embedded.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
