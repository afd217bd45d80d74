/**
 * The agent loop's overhead per step beyond the model's own time. A model that answers at once
 * (bench/model-server.ts, its own process) asks for three `context_read` calls, one per step,
 * then answers: four model calls a run.
 *
 * - Through Vextir: the embedded system (`startLocal`, SQLite, HTTP) in this process runs an
 *   agent defined as data; every model call and tool call is an event (authorized, recorded,
 *   audited), the tool call is answered by the context driver from the Context Hub, and the run's
 *   state is written to the store after each reply. One run at a time, from the trigger's POST
 *   to the answer event.
 * - Baseline, in the same run: the same loop with the AI SDK alone (`generateText` with an
 *   executing tool that returns the same document), against the same server.
 *
 * Overhead per step = (Vextir's median run - the baseline's median run) / model calls per run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { AgentRuntime } from '../src/drivers/agent-runtime/index.js';
import { startLocal } from '../src/hosts/embedded/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import { finished } from './agent-probe-driver.js';
import { benchModule, CHILD_EXEC_ARGV } from './modules.js';
import { percentiles, row, type BenchRow } from './stats.js';

const STEPS = 4;
const WARMUP_RUNS = 20;
const RUNS = 200;
/**
 * Runs per user: a run is 16 events, and the default policies deny a user's 601st event in a
 * minute (a runaway loop), so the runs are spread over users, each with its own notes.
 */
const RUNS_PER_USER = 25;
/** A run that has not answered by then failed (e.g. a policy denied its trigger): the bench stops, never hangs. */
const RUN_TIMEOUT_MS = 30_000;
const NOTES = { title: 'Bench notes', items: ['one', 'two', 'three'] };

async function startModelServer(): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = fork(benchModule('model-server'), [], { execArgv: [...CHILD_EXEC_ARGV], env: { ...process.env, BENCH_AGENT_STEPS: String(STEPS) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: message.url,
    async close() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

/** One run of the loop with the AI SDK alone, in ms. */
async function directRun(url: string): Promise<number> {
  const openai = createOpenAI({ baseURL: url, apiKey: 'sk-bench' });
  const started = performance.now();
  const result = await generateText({
    model: openai.chat('gpt-4.1-mini'),
    maxRetries: 0,
    stopWhen: stepCountIs(STEPS + 1),
    system: 'Read the notes.',
    messages: [{ role: 'user', content: 'What do the notes say?' }],
    tools: {
      context_read: tool({
        description: 'Reads a document',
        inputSchema: jsonSchema<{ path: string }>({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false }),
        execute: async ({ path }) => ({ path, content: NOTES }),
      }),
    },
  });
  if (result.steps.length !== STEPS) throw new Error(`the direct loop took ${result.steps.length} steps, not ${STEPS}`);
  return performance.now() - started;
}

export async function runAgentsBench(log: (line: string) => void): Promise<BenchRow[]> {
  const server = await startModelServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-bench-agents-'));
  try {
    log(`agents: the same loop with the AI SDK alone, ${RUNS} runs of ${STEPS} model calls`);
    for (let i = 0; i < WARMUP_RUNS; i += 1) await directRun(server.url);
    const direct: number[] = [];
    for (let i = 0; i < RUNS; i += 1) direct.push(await directRun(server.url));

    const configFile = join(dataDir, 'vextir.config.json');
    const agent = { id: 'bench_agent', name: 'Bench agent', model: 'gpt-4.1-mini', capabilities: ['bench.ask'], tools: ['context_read'], max_steps: STEPS, input: '{{data.question}}', system_prompt: 'Read the notes.' };
    writeFileSync(configFile, JSON.stringify({ agents: [agent], drivers: [{ module: benchModule('agent-probe-driver') }] }));
    const config = loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: server.url, LOG_LEVEL: 'warn' });
    const host = await startLocal(config, createLogger({ level: 'warn', format: 'json' }, { service: 'bench' }));
    try {
      const secret = loadOrCreateDevSecret(dataDir);
      let headers: Record<string, string> = {};
      let n = 0;
      const viaVextir = async (): Promise<number> => {
        if (n % RUNS_PER_USER === 0) {
          headers = { authorization: `Bearer ${await signDevToken(secret, `bench-${n / RUNS_PER_USER}`)}`, 'content-type': 'application/json' };
          const put = await fetch(`${host.url}/api/context/Bench/notes`, { method: 'PUT', headers, body: JSON.stringify(NOTES) });
          if (!put.ok) throw new Error(`PUT /api/context/Bench/notes answered ${put.status}: ${await put.text()}`);
        }
        const id = `ask-${(n += 1)}`;
        const runId = AgentRuntime.runId(id, 'bench_agent', 'bench_agent');
        let timer: NodeJS.Timeout | undefined;
        const done = new Promise<void>((resolve, reject) => {
          const onRun = (run: { runId?: string; failed: boolean; data: unknown }) => {
            if (run.runId !== runId) return;
            finished.off('run', onRun);
            if (run.failed) reject(new Error(`the bench run failed: ${JSON.stringify(run.data)}`));
            else resolve();
          };
          finished.on('run', onRun);
          timer = setTimeout(() => {
            finished.off('run', onRun);
            reject(new Error(`run ${runId} did not answer within ${RUN_TIMEOUT_MS} ms (see GET /api/events/${id})`));
          }, RUN_TIMEOUT_MS);
        });
        const started = performance.now();
        const response = await fetch(`${host.url}/api/events`, { method: 'POST', headers, body: JSON.stringify({ id, type: 'bench.ask', data: { question: 'What do the notes say?' } }) });
        if (response.status !== 202) throw new Error(`POST /api/events answered ${response.status}: ${await response.text()}`);
        await done.finally(() => clearTimeout(timer));
        return performance.now() - started;
      };
      log(`agents: the loop through Vextir (embedded, HTTP in, every call an event), ${RUNS} runs`);
      for (let i = 0; i < WARMUP_RUNS; i += 1) await viaVextir();
      const system: number[] = [];
      for (let i = 0; i < RUNS; i += 1) system.push(await viaVextir());

      const ours = percentiles(system);
      const theirs = percentiles(direct);
      const perStep = (ours.p50 - theirs.p50) / STEPS;
      return [
        row({ bench: 'agents', name: `agent run of ${STEPS} model calls + ${STEPS - 1} tool calls, p50`, value: ours.p50, unit: 'ms', baseline: { name: 'same loop, AI SDK alone', value: theirs.p50, unit: 'ms' }, note: `p99 ${ours.p99.toFixed(1)} ms (AI SDK alone ${theirs.p99.toFixed(1)} ms); ${RUNS} runs one at a time, model answering at once` }),
        row({ bench: 'agents', name: 'agent loop overhead per step beyond the model', value: perStep, unit: 'ms', target: { of: 'value', op: '<', threshold: 2 }, note: 'each step: a model.request and its model.response, a tool call and its answer (four events authorized, recorded and audited), the run written to the store' }),
      ];
    } finally {
      await host.stop();
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
