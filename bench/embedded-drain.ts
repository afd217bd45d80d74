/**
 * The embedded processor alone, without HTTP or a load generator beside it: `demo.ping` events
 * ingested through the API with the processor stopped, then drained by the processor in this
 * thread (VEXTIR_PROCESSOR_THREADS=0), pings and their pongs. What the end-to-end figures wait on
 * when the processor thread is the busy one: its CPU per event, and what SQLite writes for each
 * (the WAL and the checkpoints that copy it back; read from /proc/self/io where Linux has it).
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeLocal, type LocalSystem } from '../src/hosts/embedded/compose.js';
import { createLogger } from '../src/logging.js';
import { loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import { benchHostConfig } from './embedded-config.js';
import { row, type BenchRow } from './stats.js';

const PINGS = 20_000;
const BATCH = 100;
const DRAIN_TIMEOUT_MS = 120_000;

interface IoCounters {
  wchar: number;
  rchar: number;
  syscw: number;
  syscr: number;
}

/** This process's I/O counters, or undefined where /proc/self/io does not exist. */
function ioCounters(): IoCounters | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/io', 'utf8');
  } catch {
    return undefined;
  }
  const fields = new Map(text.trim().split('\n').map((line) => line.split(': ') as [string, string]));
  return { wchar: Number(fields.get('wchar')), rchar: Number(fields.get('rchar')), syscw: Number(fields.get('syscw')), syscr: Number(fields.get('syscr')) };
}

async function ingestPings(system: LocalSystem, token: string): Promise<void> {
  const headers = new Headers({ authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' });
  for (let first = 0; first < PINGS; first += BATCH) {
    const events = Array.from({ length: BATCH }, (_, offset) => {
      const n = first + offset;
      return { specversion: '1.0', id: `drain-${n}`, type: 'demo.ping', source: '/bench/drain', data: { n, note: `ping ${n} of the drain bench` } };
    });
    const body = new TextEncoder().encode(JSON.stringify(events));
    const response = await system.api.handle({ method: 'POST', url: new URL('http://localhost/api/events'), headers, body: async () => body, signal: new AbortController().signal });
    if (response.status !== 202) throw new Error(`drain bench: ingest answered ${response.status}`);
  }
}

async function waitUntilEmpty(system: LocalSystem): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while ((await system.storage.queue.depth()) > 0) {
    if (performance.now() > deadline) throw new Error(`drain bench: the queue still held messages after ${DRAIN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function runDrainRows(log: (line: string) => void): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-drain-'));
  const config = benchHostConfig(dataDir, { VEXTIR_PROCESSOR_THREADS: '0' });
  const system = await composeLocal(config, createLogger(config.log));
  try {
    await system.start();
    log(`embedded: (d) ${PINGS} pings ingested with the processor stopped, then drained in one thread`);
    await ingestPings(system, await signDevToken(loadOrCreateDevSecret(dataDir), 'bench'));
    const io = ioCounters();
    const cpu = process.cpuUsage();
    const started = performance.now();
    await system.worker.start();
    await waitUntilEmpty(system);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const ioAfter = ioCounters();
    const events = 2 * PINGS; // each ping and its pong
    const cpuPerEvent = (used.user + used.system) / events;
    const rows = [
      row({
        bench: 'embedded',
        name: '(d) processor alone: draining the file, 1 thread',
        value: events / seconds,
        unit: 'events/s',
        note: `${PINGS} pings and their pongs; no HTTP, no load generator; process CPU (the checkpoint thread included) ${cpuPerEvent.toFixed(0)} µs per event, ${(used.system / events).toFixed(0)} of it in the kernel`,
      }),
      row({ bench: 'embedded', name: '(d) CPU per event, processor alone', value: cpuPerEvent, unit: 'µs' }),
    ];
    if (io && ioAfter) {
      const kb = (bytes: number): number => bytes / 1024 / events;
      rows.push(
        row({
          bench: 'embedded',
          name: '(d) written per event (WAL and checkpoints)',
          value: kb(ioAfter.wchar - io.wchar),
          unit: 'KB',
          note: `${((ioAfter.syscw - io.syscw) / events).toFixed(1)} write calls and ${kb(ioAfter.rchar - io.rchar).toFixed(1)} KB read (${((ioAfter.syscr - io.syscr) / events).toFixed(1)} calls) per event; the records and audit entries themselves are about 2 KB`,
        }),
      );
    }
    return rows;
  } finally {
    await system.worker.stop(1000);
    await system.close();
    system.storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
