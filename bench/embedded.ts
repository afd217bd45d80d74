/**
 * Embedded end to end: the real system (`startLocal`: SQLite queue and store, HTTP API, worker)
 * in this process, the load generator in a child process (bench/load-client.ts), `demo.ping`
 * events answered by the built-in ping driver with `demo.pong` (also processed and stored).
 *
 * (a) sustained: autocannon at full speed for 10 s, then the time until every accepted event
 *     and its follow-up is processed; (b) ingest-to-processed latency at a steady half of the
 *     rate (a) sustained, observed on the SSE stream (the rate follows the machine: a busy one
 *     lowers both, not the goal); (c) the ceiling: the same autocannon load against a bare
 *     node:http server that reads the body and answers 202; (d) the processor alone, draining the
 *     file in one thread (embedded-drain.ts). The host runs with its default processor threads
 *     (VEXTIR_PROCESSOR_THREADS) unless the environment sets them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal, type RunningLocalHost } from '../src/hosts/embedded/index.js';
import { createLogger } from '../src/logging.js';
import { loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import type { LoadCommand, LoadReply, MaxResult, PacedResult } from './load-client.js';
import { benchHostConfig } from './embedded-config.js';
import { runDrainRows } from './embedded-drain.js';
import { benchModule, CHILD_EXEC_ARGV } from './modules.js';
import { row, type BenchRow } from './stats.js';

const LOAD_SECONDS = 10;
const CONNECTIONS = 32;
/** (b) runs at this share of the end-to-end rate (a) sustained. */
const PACED_SHARE = 0.5;
const PACED_WARMUP_SECONDS = 1;
const DRAIN_TIMEOUT_MS = 90_000;

interface LoadClient {
  run<R extends MaxResult | PacedResult>(command: LoadCommand): Promise<R>;
  close(): Promise<void>;
}

/** Forks bench/load-client.ts; one command at a time. */
async function startLoadClient(): Promise<LoadClient> {
  const file = benchModule('load-client');
  // Explicit execArgv: a profiled or inspected parent must not profile its load generator too.
  const child: ChildProcess = fork(file, [], { execArgv: [...CHILD_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await once(child, 'spawn');
  return {
    async run<R>(command: LoadCommand): Promise<R> {
      const exited = once(child, 'exit').then(([code]) => {
        throw new Error(`the load client exited with ${String(code)}`);
      });
      child.send(command);
      const [reply] = (await Promise.race([once(child, 'message'), exited])) as [LoadReply];
      if (!reply.ok) throw new Error(`the load client failed: ${reply.error}`);
      return reply.result as R;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

/** The ceiling: read the body, take the id, answer 202 as the API does; nothing else. */
async function startBareServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { id } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      const body = JSON.stringify({ ids: [id] });
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the bare server has no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

interface Counts {
  ingested: number;
  settled: number;
}

/** The host's own Prometheus counters, read in process (no HTTP round trip while polling). */
async function counts(host: RunningLocalHost): Promise<Counts> {
  const sum = async (name: string): Promise<number> => {
    const metric = host.system.metrics.registry.getSingleMetric(name);
    if (!metric) throw new Error(`metric ${name} is missing`);
    return (await metric.get()).values.reduce((total, value) => total + value.value, 0);
  };
  return { ingested: await sum('vextir_events_ingested_total'), settled: await sum('vextir_events_settled_total') };
}

/**
 * Waits until everything ingested since `before` is settled with its follow-up (two settles per
 * ping: the ping and its pong) and the queue is empty. Returns the moment it was, or throws.
 */
async function drained(host: RunningLocalHost, before: Counts): Promise<number> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const now = await counts(host);
    if (now.settled - before.settled >= 2 * (now.ingested - before.ingested) && (await host.system.storage.queue.depth()) === 0) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the processor did not drain the queue within ${DRAIN_TIMEOUT_MS / 1000} s`);
}

async function metricsText(host: RunningLocalHost, token: string): Promise<string> {
  const response = await fetch(`${host.url}/api/metrics`, { headers: { authorization: `Bearer ${token}` } });
  return response.text();
}

/**
 * CPU the system's process used (all its threads: SQLite, GC, libuv) per second of wall time.
 * Near 100% of one core means the host was the bottleneck; much less under a backlog means it
 * was starved by other processes on the machine.
 */
function cpuShare(since: NodeJS.CpuUsage, wallMs: number): string {
  const used = process.cpuUsage(since);
  return `${Math.round((100 * (used.user + used.system)) / 1000 / wallMs)}% of one core`;
}

function sample(text: string, line: RegExp): number {
  const match = line.exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export async function runEmbeddedBench(log: (line: string) => void): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-bench-'));
  const config = benchHostConfig(dataDir);
  const client = await startLoadClient();
  let host: RunningLocalHost | undefined;
  try {
    host = await startLocal(config, createLogger(config.log));
    const token = await signDevToken(loadOrCreateDevSecret(dataDir), 'bench');
    const max = (url: string, idPrefix: string, seconds: number, auth = true): Promise<MaxResult> =>
      client.run<MaxResult>({ kind: 'max', url, seconds, connections: CONNECTIONS, idPrefix, ...(auth ? { token } : {}) });

    log('embedded: warming up (2 s of load, then drain)');
    const warm = await counts(host);
    await max(host.url, 'warm', 2);
    await drained(host, warm);

    log(`embedded: (a) max load, ${CONNECTIONS} connections, ${LOAD_SECONDS} s, then drain`);
    const before = await counts(host);
    const cpuA = process.cpuUsage();
    const started = performance.now();
    const sustained = await max(host.url, 'max', LOAD_SECONDS);
    const loadEnded = performance.now();
    const doneAt = await drained(host, before);
    const busyA = cpuShare(cpuA, doneAt - started);
    const after = await counts(host);
    const ingested = after.ingested - before.ingested;
    const settled = after.settled - before.settled;
    const endToEndSeconds = (doneAt - started) / 1000;
    const threads = config.worker.threads;
    const metrics = await metricsText(host, token);
    const depth = sample(metrics, /^vextir_queue_depth (\S+)$/m);
    const failedPings = sample(metrics, /^vextir_events_settled_total\{type="demo\.ping",status="(?:failed|dead_lettered|denied)"\} (\S+)$/m);

    const pacedRate = Math.max(1, Math.round(PACED_SHARE * (ingested / endToEndSeconds)));
    log(`embedded: (b) steady ${pacedRate}/s (half the sustained rate) for ${LOAD_SECONDS} s, latency from the SSE stream`);
    const cpuB = process.cpuUsage();
    const pacedStarted = performance.now();
    const paced = await client.run<PacedResult>({
      kind: 'paced',
      url: host.url,
      token,
      seconds: LOAD_SECONDS,
      warmupSeconds: PACED_WARMUP_SECONDS,
      rate: pacedRate,
      idPrefix: 'paced',
      settleTimeoutMs: 15_000,
    });
    const busyB = cpuShare(cpuB, performance.now() - pacedStarted);
    await host.stop();
    host = undefined;

    log(`embedded: (c) ceiling, bare node:http, same load`);
    const bare = await startBareServer();
    const ceiling = await max(bare.url, 'bare', LOAD_SECONDS, false);
    bare.server.closeAllConnections();
    bare.server.close();

    const drain = await runDrainRows(log);

    const ceilingBaseline = { name: 'bare node:http', value: ceiling.requestsPerSecond, unit: 'req/s' };
    const e2eRate = ingested / endToEndSeconds;
    return [
      row({
        bench: 'embedded',
        name: `(a) ingest at max load, ${CONNECTIONS} conns`,
        value: sustained.requestsPerSecond,
        unit: 'req/s',
        baseline: ceilingBaseline,
        note: `${sustained.accepted} x 202, ${sustained.non2xx} non-2xx, ${sustained.errors} errors, ${sustained.timeouts} timeouts in ${sustained.seconds} s; HTTP p50 ${sustained.httpP50Ms} ms, p99 ${sustained.httpP99Ms} ms`,
      }),
      row({
        bench: 'embedded',
        name: '(a) sustained end to end (accepted -> processed)',
        value: e2eRate,
        unit: 'events/s',
        baseline: ceilingBaseline,
        target: { of: 'ratio', op: '>=', threshold: 0.3 },
        note:
          `${threads} processor thread${threads === 1 ? '' : 's'}; ` +
          `${ingested} events accepted in ${((loadEnded - started) / 1000).toFixed(1)} s of load, all processed (with follow-ups) ` +
          `${((doneAt - loadEnded) / 1000).toFixed(1)} s after the load ended; queue depth then ${depth}; ` +
          `${settled} settles (expected ${2 * ingested}); pings not processed: ${Number.isNaN(failedPings) ? 0 : failedPings}; ` +
          `system process CPU ${busyA}`,
      }),
      row({ bench: 'embedded', name: '(a) processed incl. follow-ups', value: settled / endToEndSeconds, unit: 'events/s', note: 'records settled (pings + pongs) / time from the start of the load until the queue was empty' }),
      row({
        bench: 'embedded',
        name: `(b) ingest->processed p50 at half that rate`,
        value: paced.latency.p50,
        unit: 'ms',
        note: `at ${pacedRate}/s: ${paced.sent} sent in ${paced.seconds.toFixed(1)} s (open loop, evenly spaced) after ${PACED_WARMUP_SECONDS} s at the same rate not counted, ${paced.accepted} x 202, ${paced.non2xx} non-2xx, ${paced.errors} errors; ${paced.observed} seen processed on GET /api/stream; HTTP 202 p50 ${paced.http.p50.toFixed(2)} ms, p99 ${paced.http.p99.toFixed(2)} ms; system process CPU ${busyB}`,
      }),
      row({ bench: 'embedded', name: '(b) ingest->processed p95 at half that rate', value: paced.latency.p95, unit: 'ms' }),
      row({ bench: 'embedded', name: '(b) ingest->processed p99 at half that rate', value: paced.latency.p99, unit: 'ms', target: { of: 'value', op: '<', threshold: 50 } }),
      row({
        bench: 'embedded',
        name: `(c) ceiling: bare node:http, ${CONNECTIONS} conns`,
        value: ceiling.requestsPerSecond,
        unit: 'req/s',
        note: `${ceiling.accepted} x 202, ${ceiling.non2xx} non-2xx, ${ceiling.errors} errors; HTTP p50 ${ceiling.httpP50Ms} ms, p99 ${ceiling.httpP99Ms} ms`,
      }),
      ...drain,
    ];
  } finally {
    await host?.stop();
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
