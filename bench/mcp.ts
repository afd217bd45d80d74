/**
 * An MCP tool call through the whole pipeline beside a direct SDK call to the same server, in
 * the same run. The server is the reference server-everything over stdio; the tool is `echo`.
 *
 * - Direct: one SDK `Client` over `StdioClientTransport`, `callTool` one at a time.
 * - Pipeline: a `tool.call` envelope through `EventProcessor.process` (validate, dedupe, the
 *   policy engine with the default policies, routing) to the `mcp` driver (its idempotency
 *   marker written before and after the call in the StateStore) and back as the `tool.result`
 *   event, then `applyOutcome` (record, audit, emit) into the in-memory ports: what every call
 *   costs in the kernel, without a queue or HTTP.
 * - Embedded, for scale: the same call POSTed to the embedded host over HTTP until the
 *   tool.result is handled (SQLite queue, two events, two commits).
 *
 * Added at p50 = pipeline p50 - direct p50; the target is under 1 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import pino from 'pino';
import { MemoryAuditLog, MemoryEventStore, MemoryStateStore } from '../src/adapters/memory/index.js';
import { loadConfig } from '../src/config.js';
import { createDriverRegistry } from '../src/drivers/index.js';
import { createMcpDriver, mcpServersSchema, McpServers, resolveServer } from '../src/drivers/mcp/index.js';
import { startLocal } from '../src/hosts/embedded/index.js';
import { applyOutcome, EventProcessor, systemClock, type Envelope, type EventBus } from '../src/kernel/index.js';
import { createLogger } from '../src/logging.js';
import { createToolRegistry } from '../src/registries/tools/index.js';
import { createSecuritySystem, DEFAULT_POLICIES, loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import { benchModule, repoRoot } from './modules.js';
import { finished } from './mcp-probe-driver.js';
import { percentiles, row, type BenchRow } from './stats.js';

const WARMUP = 200;
const CALLS = 2000;
const EMBEDDED_CALLS = 300;
/** The default policies deny a user's 601st event in a minute; a call is two events. */
const CALLS_PER_USER = 250;
const logger = pino({ level: 'silent' });

function everything(): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(repoRoot(), 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'), 'stdio'] };
}

async function timed(count: number, call: (index: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  return times;
}

async function directSdk(log: (line: string) => void): Promise<number[]> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ ...everything(), stderr: 'ignore' }));
  try {
    const call = async (i: number) => {
      const result = await client.callTool({ name: 'echo', arguments: { message: `m${i}` } });
      if (result.isError === true) throw new Error('echo failed');
    };
    await timed(WARMUP, call);
    log(`mcp: ${CALLS} direct SDK calls`);
    return await timed(CALLS, call);
  } finally {
    await client.close();
  }
}

class DiscardingBus implements EventBus {
  async publish(): Promise<void> {}
}

async function throughKernel(log: (line: string) => void): Promise<number[]> {
  const state = new MemoryStateStore();
  const security = createSecuritySystem(state, systemClock, logger);
  // Rate limits raised: one bench user sends far more than 600 events a minute.
  await security.policies.seedGlobal(DEFAULT_POLICIES.map((policy) => (policy.id.startsWith('rate-limit') ? { ...policy, condition: policy.condition.replace(/> \d+$/, '> 1000000000') } : policy)));
  const [entry] = mcpServersSchema.parse([{ id: 'everything', transport: 'stdio', ...everything() }]);
  if (entry === undefined) throw new Error('no server entry');
  const servers = new McpServers([resolveServer(entry, repoRoot(), () => undefined)], { tools: createToolRegistry(), logger });
  const driver = createMcpDriver({ id: 'mcp', servers, state, startGraceMs: 30_000, ownsLifecycle: true });
  await driver.init?.();
  try {
    const store = new MemoryEventStore();
    const processor = new EventProcessor({ store, drivers: createDriverRegistry([driver]), authorizer: security.authorizer, usage: security.usage, clock: systemClock, logger });
    const targets = { bus: new DiscardingBus(), store, audit: new MemoryAuditLog() };
    const call = async (i: number) => {
      const id = `call-${i}`;
      const envelope: Envelope = { specversion: '1.0', id, type: 'tool.call', source: '/bench', time: new Date().toISOString(), userid: 'bench', category: 'input', correlationid: id, depth: 0, data: { server: 'everything', tool: 'echo', arguments: { message: `m${i}` } } };
      const outcome = await processor.process(envelope, { deliveryCount: 1 });
      if (outcome.kind !== 'complete' || outcome.emissions[0]?.event.type !== 'tool.result') throw new Error(`the call did not answer tool.result: ${JSON.stringify(outcome).slice(0, 500)}`);
      await applyOutcome(outcome, targets);
    };
    await timed(WARMUP, (i) => call(i + CALLS));
    log(`mcp: ${CALLS} calls through the processor (policy engine, mcp driver)`);
    return await timed(CALLS, call);
  } finally {
    await driver.shutdown?.();
  }
}

async function throughEmbedded(log: (line: string) => void): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-bench-mcp-'));
  try {
    const configFile = join(dataDir, 'vextir.config.json');
    writeFileSync(configFile, JSON.stringify({ drivers: [{ module: benchModule('mcp-probe-driver') }], mcp_servers: [{ id: 'everything', transport: 'stdio', ...everything() }] }));
    const host = await startLocal(loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', LOG_LEVEL: 'warn' }), createLogger({ level: 'warn', format: 'json' }, { service: 'bench' }));
    try {
      const secret = loadOrCreateDevSecret(dataDir);
      let headers: Record<string, string> = {};
      const call = async (i: number) => {
        if (i % CALLS_PER_USER === 0) headers = { authorization: `Bearer ${await signDevToken(secret, `bench-${i / CALLS_PER_USER}`)}`, 'content-type': 'application/json' };
        const id = `call-${i}`;
        const done = new Promise<void>((resolve, reject) => {
          const onAnswer = (answer: { causationid?: string; type: string }) => {
            if (answer.causationid !== id) return;
            finished.off('answer', onAnswer);
            if (answer.type === 'tool.result') resolve();
            else reject(new Error(`call ${id} answered ${answer.type}`));
          };
          finished.on('answer', onAnswer);
        });
        const response = await fetch(`${host.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ id, type: 'tool.call', data: { server: 'everything', tool: 'echo', arguments: { message: `m${i}` } } }) });
        if (response.status !== 202) throw new Error(`POST /api/events answered ${response.status}: ${await response.text()}`);
        await done;
      };
      await timed(50, (i) => call(i + 100_000));
      log(`mcp: ${EMBEDDED_CALLS} calls through the embedded host (HTTP in, SQLite queue)`);
      return await timed(EMBEDDED_CALLS, call);
    } finally {
      await host.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runMcpBench(log: (line: string) => void): Promise<BenchRow[]> {
  const direct = percentiles(await directSdk(log));
  const kernel = percentiles(await throughKernel(log));
  const embedded = percentiles(await throughEmbedded(log));
  const baseline = { name: 'direct SDK call, same server', value: direct.p50, unit: 'ms' };
  return [
    row({ bench: 'mcp', name: 'MCP tool call through the pipeline (event -> policy -> stdio server -> result event), p50', value: kernel.p50, unit: 'ms', baseline, note: `p99 ${kernel.p99.toFixed(2)} ms (direct ${direct.p99.toFixed(2)} ms); server-everything echo, ${CALLS} calls one at a time` }),
    row({ bench: 'mcp', name: 'MCP pipeline added per call at p50', value: kernel.p50 - direct.p50, unit: 'ms', target: { of: 'value', op: '<', threshold: 1 }, note: 'processor with the default policies, the mcp driver and its idempotency marker (two StateStore writes), in-memory ports' }),
    row({ bench: 'mcp', name: 'MCP tool call through the embedded host (HTTP in -> tool.result handled), p50', value: embedded.p50, unit: 'ms', baseline, note: `p99 ${embedded.p99.toFixed(2)} ms; two events, each through the SQLite queue and its commit; ${EMBEDDED_CALLS} calls` }),
  ];
}
