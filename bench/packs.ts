/**
 * The price of a pack's sandbox per event: the same driver module through the kernel (in-memory
 * ports, allow-all authorizer), loaded in-process as a project-file driver and loaded by
 * `startPackSandbox` in its own process (permission model, network namespace where one can be
 * made), in the same run. Events go one at a time; the two alternate in rounds so the machine's
 * other work weighs on both alike. The driver answers each event with one event and does no work
 * of its own, so the difference is the isolation: a `handle` message to the child and its
 * answer, JSON both ways, and the child's context.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MemoryEventStore } from '../src/adapters/memory/index.js';
import { createDriverRegistry, loadDriverModules } from '../src/drivers/index.js';
import { EventProcessor, systemClock, type Driver, type Envelope } from '../src/kernel/index.js';
import { packPermissionsSchema } from '../src/packs/manifest.js';
import { startPackSandbox } from '../src/packs/sandbox/index.js';
import { allowAllAuthorizer } from '../src/security/index.js';
import { percentiles, row, type BenchRow } from './stats.js';

const ROUNDS = 20;
const PER_ROUND = 250;
const WARMUP = 500;
const logger = pino({ level: 'silent' });

const DRIVER_MODULE = `export default {
  manifest: { id: 'bench_echo', name: 'Bench echo', version: '1.0.0', type: 'tool', capabilities: ['bench.request'], external: false },
  async handle(event) {
    return [{ type: 'bench.answer', data: { n: event.data.n, city: event.data.city } }];
  },
};
`;

export async function runPacksBench(log: (line: string) => void): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'vextir-bench-pack-'));
  writeFileSync(join(root, 'driver.mjs'), DRIVER_MODULE);
  const inProcess = await loadDriverModules([{ module: './driver.mjs' }], root);
  const sandbox = await startPackSandbox({ pack: 'bench', root, drivers: [{ module: './driver.mjs' }], permissions: packPermissionsSchema.parse({}), logger });
  log(`packs: the sandboxed process runs with network enforcement "${sandbox.stats().network}"`);
  try {
    const local = processorOf(inProcess);
    const sandboxed = processorOf([...sandbox.drivers]);
    let sequence = 0;
    const once = async (processor: EventProcessor): Promise<number> => {
      sequence += 1;
      const started = performance.now();
      const outcome = await processor.process(envelope(sequence), { deliveryCount: 1 });
      const elapsed = performance.now() - started;
      if (outcome.kind !== 'complete' || outcome.record.status !== 'processed') throw new Error(`bench event ${sequence}: ${JSON.stringify(outcome)}`);
      return elapsed;
    };
    for (let i = 0; i < WARMUP; i += 1) {
      await once(local);
      await once(sandboxed);
    }
    const localTimes: number[] = [];
    const sandboxTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let i = 0; i < PER_ROUND; i += 1) localTimes.push(await once(local));
      for (let i = 0; i < PER_ROUND; i += 1) sandboxTimes.push(await once(sandboxed));
    }
    const base = percentiles(localTimes);
    const boxed = percentiles(sandboxTimes);
    log(`packs: in-process p50 ${base.p50.toFixed(3)} ms p99 ${base.p99.toFixed(3)} ms; sandboxed p50 ${boxed.p50.toFixed(3)} ms p99 ${boxed.p99.toFixed(3)} ms`);
    const note = `${localTimes.length} events each, one at a time, alternating rounds of ${PER_ROUND}; network: ${sandbox.stats().network}`;
    return [
      row({ bench: 'packs', name: 'event through a sandboxed pack driver, p50', value: boxed.p50, unit: 'ms', baseline: { name: 'same driver in-process', value: base.p50, unit: 'ms' }, note }),
      row({ bench: 'packs', name: 'event through a sandboxed pack driver, p99', value: boxed.p99, unit: 'ms', baseline: { name: 'same driver in-process', value: base.p99, unit: 'ms' } }),
      row({ bench: 'packs', name: 'price of isolation per event, p50', value: boxed.p50 - base.p50, unit: 'ms', target: { of: 'value', op: '<', threshold: 1 } }),
      row({ bench: 'packs', name: 'price of isolation per event, p99', value: boxed.p99 - base.p99, unit: 'ms' }),
    ];
  } finally {
    await sandbox.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

function processorOf(drivers: Driver[]): EventProcessor {
  return new EventProcessor({ store: new MemoryEventStore(), drivers: createDriverRegistry(drivers), authorizer: allowAllAuthorizer, clock: systemClock, logger });
}

function envelope(n: number): Envelope {
  const id = `bench-${n}`;
  return { specversion: '1.0', id, type: 'bench.request', source: '/bench', time: new Date().toISOString(), userid: 'bench', category: 'input', correlationid: id, depth: 0, data: { n, city: 'Lisbon' } };
}
