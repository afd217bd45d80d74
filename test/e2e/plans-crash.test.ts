/**
 * Durable plans from the outside: the real host as a child process runs 50 plans at once and is
 * killed with SIGKILL at random moments, twice, restarting on the same data folder each time.
 * Every plan finishes correctly, and each step's side effect reaches the external system under
 * one idempotency key, i.e. no step ran twice as two different requests, and none was lost.
 *
 * The plan mixes what can be interrupted: a fan-out of three, a fan-in that reads their outputs,
 * a sleep (a timer that must survive the restart) and a chain after it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { freePort, startHostProcess, type HostProcess } from '../helpers/local-host-process.js';

const PLANS = 50;
const USER = 'plan-crasher';
const STEPS = ['a', 'b', 'c', 'join', 'nap', 'last'];
const instruction = {
  id: 'crashy',
  inputs: [{ name: 'n', type: 'integer' }],
  plan: [
    ...['a', 'b', 'c'].map((id) => ({ id, action: 'emit_event', event: { type: 'crash.step', data: { step: id, n: '{{inputs.n}}' } } })),
    { id: 'join', action: 'emit_event', depends_on: ['a', 'b', 'c'], event: { type: 'crash.step', data: { step: 'join', n: '{{steps.a.output.n + steps.b.output.n + steps.c.output.n}}' } } },
    { id: 'nap', action: 'sleep', depends_on: ['join'], duration: '300ms' },
    { id: 'last', action: 'emit_event', depends_on: ['nap'], event: { type: 'crash.step', data: { step: 'last', n: '{{steps.join.output.n}}' } } },
  ],
  outputs: { total: '{{steps.last.output.n}}' },
};

const applied = new Map<string, number>(); // idempotency key -> attempts
const peer = createServer((req, res) => {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string') return void res.writeHead(400).end();
  applied.set(key, (applied.get(key) ?? 0) + 1);
  req.resume();
  res.writeHead(200).end('{}');
});

let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-plans-crash-'));
  await new Promise<void>((done) => peer.listen(0, '127.0.0.1', done));
});
afterAll(() => {
  peer.close();
  if (process.env['KEEP_DATA'] === undefined) rmSync(dataDir, { recursive: true, force: true });
});

async function call(host: HostProcess, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response | undefined> {
  try {
    return await fetch(`${host.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  } catch {
    return undefined; // the host died with this request in flight
  }
}

it('finishes 50 concurrent plans correctly across SIGKILLs at random moments, each step applied once', async () => {
  const address = peer.address();
  const peerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const configFile = join(dataDir, 'vextir.config.yaml');
  writeFileSync(configFile, JSON.stringify({ drivers: [{ module: resolve('test/fixtures/drivers/plan-step-driver.js'), options: { peerUrl } }] }));
  // Two processor threads: a plan's answers are handled in either, racing on the plan's state.
  const env = { VEXTIR_CONFIG: configFile, VEXTIR_RETRY_BASE_MS: '50', VEXTIR_PROCESSOR_THREADS: '2' };
  const port = await freePort();
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), USER);

  let host = await startHostProcess(dataDir, port, env);
  const saved = await call(host, token, 'POST', '/api/instructions', instruction);
  assert.equal(saved?.status, 201, await saved?.text());
  const plans = new Map<number, string>();
  // Each run has an Idempotency-Key: a client that lost the answer in the crash sends it again and gets the same plan.
  const start = async (n: number): Promise<void> => {
    const response = await call(host, token, 'POST', '/api/instructions/crashy/run', { inputs: { n } }, { 'idempotency-key': `run-${n}` });
    if (response?.status === 202) plans.set(n, ((await response.json()) as { plan: string }).plan);
  };
  const starting = Promise.all(Array.from({ length: PLANS }, (_, n) => start(n)));
  for (let kill = 0; kill < 2; kill += 1) {
    await new Promise((done) => setTimeout(done, 150 + Math.floor(Math.random() * 600)));
    host.child.kill('SIGKILL');
    await host.exited;
    if (kill === 0) await starting;
    host = await startHostProcess(dataDir, port, env);
  }
  try {
    for (let n = 0; n < PLANS; n += 1) if (!plans.has(n)) await start(n);
    assert.equal(plans.size, PLANS, 'every run was accepted');

    const deadline = Date.now() + 90_000;
    const finished = new Map<number, { status: string; outputs?: { total: number } }>();
    while (finished.size < PLANS && Date.now() < deadline) {
      for (const [n, planId] of plans) {
        if (finished.has(n)) continue;
        const response = await call(host, token, 'GET', `/api/plans/${planId}`);
        // 404 until the run's event is processed (the plan is created by the kernel, not by the 202).
        if (response?.status === 404) continue;
        if (response && response.status !== 200) assert.fail(`GET /api/plans/${planId}: ${response.status} ${await response.text()}`);
        const view = (await response?.json()) as { plan: { status: string; outputs?: { total: number } } } | undefined;
        if (view && ['completed', 'failed', 'cancelled'].includes(view.plan.status)) finished.set(n, view.plan);
      }
      if (finished.size < PLANS) await new Promise((done) => setTimeout(done, 250));
    }
    if (finished.size < PLANS) {
      const stuck = [...plans].filter(([n]) => !finished.has(n)).slice(0, 2);
      for (const [, planId] of stuck) process.stdout.write(JSON.stringify(await (await call(host, token, 'GET', `/api/plans/${planId}`))?.json()) + '\n');
      process.stdout.write(`data: ${dataDir}\n`);
    }
    assert.equal(finished.size, PLANS, 'every plan finished');
    for (const [n, plan] of finished) {
      assert.equal(plan.status, 'completed', `plan ${n}`);
      assert.equal(plan.outputs?.total, 3 * n, `plan ${n} computed its total from its steps' outputs`);
    }
    // Five steps of each plan call the peer: one idempotency key each, however often it was delivered.
    const keysByPlan = new Map<string, Set<string>>();
    for (const key of applied.keys()) {
      const eventId = key.split(':')[1]!; // user:<event id>:<driver>
      const [planId, node, attempt] = eventId.split('.');
      assert.equal(attempt, '1', `no step needed a second attempt (${eventId})`);
      keysByPlan.set(planId!, new Set([...(keysByPlan.get(planId!) ?? []), node!]));
    }
    assert.equal(keysByPlan.size, PLANS);
    for (const nodes of keysByPlan.values()) assert.equal(nodes.size, STEPS.length - 1, 'each calling step once');
    const attempts = [...applied.values()].reduce((sum, count) => sum + count, 0);
    process.stdout.write(`# plans crash test: ${PLANS} plans, ${applied.size} step side effects, ${attempts} deliveries to the peer (${attempts - applied.size} redelivered after the kills)\n`);
  } finally {
    host.child.kill('SIGTERM');
    await host.exited;
  }
});
