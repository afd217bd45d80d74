/**
 * `npm run bench [-- kernel|embedded ...]`: runs the benches (all by default), prints one table
 * of figures with their baselines and targets, and writes the rows to bench/results/latest.json.
 *
 * Performance is measured here and nowhere else: tests assert behaviour, never timings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCosmosBench } from './cosmos.js';
import { runEmbeddedBench } from './embedded.js';
import { runKernelBench } from './kernel.js';
import { runServiceBusBench } from './service-bus.js';
import { formatTable, row, type AdapterBenchRow, type BenchRow } from './stats.js';

/** The adapter benches report the raw SDK as a plain number: the adapter should be within 10% of it. */
function adapterRows(bench: string, rows: readonly AdapterBenchRow[]): BenchRow[] {
  return rows.map((r) =>
    row({
      bench,
      name: r.name,
      value: r.value,
      unit: r.unit,
      ...(r.baseline === undefined ? {} : { baseline: { name: 'raw SDK', value: r.baseline, unit: r.unit }, target: { of: 'ratio' as const, op: '>=' as const, threshold: 0.9 } }),
      ...(r.note === undefined ? {} : { note: r.note }),
    }),
  );
}

const BENCHES: Record<string, (log: (line: string) => void) => Promise<BenchRow[]>> = {
  kernel: runKernelBench,
  embedded: runEmbeddedBench,
  'service-bus': async (log) => adapterRows('service-bus', await runServiceBusBench(log)),
  cosmos: async () => adapterRows('cosmos', await runCosmosBench()),
};

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench: ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}\n`);
    return 2;
  }
  const selected = args.length > 0 ? args : Object.keys(BENCHES);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const started = new Date();
  // Other work on the machine skews every figure: say how busy it was.
  const loadBefore = loadavg()[0] ?? 0;
  log(`load average before: ${loadBefore.toFixed(2)} on ${availableParallelism()} cores`);
  const rows: BenchRow[] = [];
  for (const name of selected) {
    const t0 = performance.now();
    rows.push(...(await BENCHES[name]!(log)));
    log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const loadAfter = loadavg()[0] ?? 0;
  process.stdout.write(`\n${formatTable(rows)}\n\nmachine: ${machineLine()}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`);

  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), loadAverage: { before: loadBefore, after: loadAfter } };
  const result = { startedAt: started.toISOString(), seconds: Math.round((Date.now() - started.getTime()) / 100) / 10, benches: selected, machine, rows };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file}\n`);
  return 0;
}

function machineLine(): string {
  return `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`;
}

process.exitCode = await main(process.argv.slice(2));
