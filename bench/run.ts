/**
 * `npm run bench [-- kernel|embedded|policy|context|agents|scheduler|webhooks|mcp|plans|ui|packs ...]`: runs the benches (all by default), prints one table
 * of figures with their baselines and targets, and writes the rows to bench/results/latest.json.
 * Running some benches replaces only their rows there; the others keep their last figures.
 * Each bench runs in a fresh child process (`run.ts --one <name>`): one bench's heap, JIT state
 * and garbage must not weigh on the next (after the kernel bench in the same process, the
 * embedded p99 went from ~30 ms to ~260 ms). `npm run bench` compiles the bench with tsc and runs
 * the JavaScript (bench/modules.ts says why). To profile a bench, run its child form directly:
 * `npm run build:bench && node --cpu-prof dist/bench/run.js --one kernel`.
 *
 * Performance is measured here and nowhere else: tests assert behaviour, never timings.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHILD_EXEC_ARGV, repoRoot } from './modules.js';
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

/**
 * Each bench's module is imported only in the child that runs it: with every bench module
 * loaded (SQLite, the Azure SDKs, the test brokers), the kernel bench ran 30% slower.
 */
const BENCHES: Record<string, (log: (line: string) => void) => Promise<BenchRow[]>> = {
  kernel: async (log) => (await import('./kernel.js')).runKernelBench(log),
  embedded: async (log) => (await import('./embedded.js')).runEmbeddedBench(log),
  'service-bus': async (log) => adapterRows('service-bus', await (await import('./service-bus.js')).runServiceBusBench(log)),
  cosmos: async () => adapterRows('cosmos', await (await import('./cosmos.js')).runCosmosBench()),
  policy: async (log) => (await import('./policy.js')).runPolicyBench(log),
  context: async (log) => (await import('./context.js')).runContextBench(log),
  agents: async (log) => (await import('./agents.js')).runAgentsBench(log),
  scheduler: async (log) => (await import('./scheduler.js')).runSchedulerBench(log),
  webhooks: async (log) => (await import('./webhooks.js')).runWebhooksBench(log),
  mcp: async (log) => (await import('./mcp.js')).runMcpBench(log),
  plans: async (log) => (await import('./plans.js')).runPlansBench(log),
  ui: async (log) => (await import('./ui.js')).runUiBench(log),
  packs: async (log) => (await import('./packs.js')).runPacksBench(log),
};

/** Runs one bench in a child process and returns its rows. */
async function runIsolated(name: string): Promise<BenchRow[]> {
  const child = fork(fileURLToPath(import.meta.url), ['--one', name], { execArgv: [...CHILD_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<BenchRow[]>((resolve, reject) => {
    child.once('message', (rows) => resolve(rows as BenchRow[]));
    child.once('exit', (code) => reject(new Error(`bench ${name} exited with ${String(code)} before reporting its figures`)));
  });
}

/** The child side: run one bench and send its rows to the parent (or, run by hand, print them). */
async function runOne(name: string): Promise<void> {
  const bench = BENCHES[name];
  if (!bench) throw new Error(`--one ${name}: no such bench`);
  const rows = await bench((line) => void process.stderr.write(`${line}\n`));
  if (process.send) process.send(rows, () => process.exit(0));
  else process.stdout.write(`\n${formatTable(rows)}\n`);
}

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
    rows.push(...(await runIsolated(name)));
    log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const loadAfter = loadavg()[0] ?? 0;
  process.stdout.write(`\n${formatTable(rows)}\n\nmachine: ${machineLine()}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`);

  const file = join(repoRoot(), 'bench', 'results', 'latest.json');
  mkdirSync(dirname(file), { recursive: true });
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism() };
  const run = { startedAt: started.toISOString(), seconds: Math.round((Date.now() - started.getTime()) / 100) / 10, loadAverage: { before: loadBefore, after: loadAfter } };
  const previous = readResults(file);
  const runs = { ...previous.runs, ...Object.fromEntries(selected.map((name) => [name, run])) };
  const merged = [...previous.rows.filter((r) => !selected.includes(r.bench)), ...rows];
  const order = Object.keys(BENCHES);
  merged.sort((a, b) => order.indexOf(a.bench) - order.indexOf(b.bench));
  writeFileSync(file, `${JSON.stringify({ machine, runs, rows: merged }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file}\n`);
  return 0;
}

interface Results {
  /** When each bench last ran, and how busy the machine was. */
  runs: Record<string, unknown>;
  rows: BenchRow[];
}

/** The file as the last runs left it (rows of benches not run now are kept). */
function readResults(file: string): Results {
  if (!existsSync(file)) return { runs: {}, rows: [] };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Results>;
  return { runs: typeof parsed.runs === 'object' && parsed.runs !== null ? parsed.runs : {}, rows: Array.isArray(parsed.rows) ? parsed.rows : [] };
}

function machineLine(): string {
  return `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`;
}

const [first, only] = process.argv.slice(2);
if (first === '--one' && only !== undefined) await runOne(only);
else process.exitCode = await main(process.argv.slice(2));
