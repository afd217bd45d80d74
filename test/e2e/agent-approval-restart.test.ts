/**
 * A tool call that waits for a person survives the host: the real host (`vextir start`) runs as
 * a child process with an agent whose context_write needs approval; the run pauses, the host is
 * killed with SIGKILL while the approval is pending, a new host starts on the same folder, the
 * approval is given over HTTP, and the run completes once: one answer, one write, two model calls.
 * Nothing of the run lives in memory: its state is in the store, the parked call in the queue.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { freePort, startHostProcess, type HostProcess } from '../helpers/local-host-process.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { until } from '../helpers/until.js';

const USER = 'erin';
let dataDir: string;
let openai: ModelServer;
let host: HostProcess | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-approval-'));
  openai = await startOpenAiServer();
});
afterAll(async () => {
  host?.child.kill('SIGKILL');
  await openai.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<HostProcess> {
  const configFile = join(dataDir, 'vextir.config.json');
  const filer = {
    id: 'filer',
    name: 'Filer',
    capabilities: ['file.it'],
    tools: ['context_write'],
    approval: { tools: ['context_write'] },
    input: '{{data.text}}',
    system_prompt: 'File what you are given under /Filed.',
  };
  writeFileSync(configFile, JSON.stringify({ agents: [filer] }));
  return startHostProcess(dataDir, await freePort(), { VEXTIR_CONFIG: configFile, OPENAI_API_KEY: 'sk-restart', OPENAI_BASE_URL: openai.url, VEXTIR_RETRY_BASE_MS: '50' });
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), USER);
  return fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
}

it('an approval pending when the host is killed can be given after the restart, and the run completes once', async () => {
  openai.script('*', { toolCalls: [{ name: 'context_write', arguments: { path: '/Filed/receipt', content: 'the receipt' } }] }, { text: 'Filed /Filed/receipt.' });
  host = await start();
  const accepted = await call(host.url, 'POST', '/api/events', { type: 'file.it', data: { text: 'the receipt' } });
  assert.equal(accepted.status, 202);

  type Approval = { id: string; policy: string; eventType: string };
  const pending = await until('the pending approval', async () => {
    const { approvals } = (await (await call(host!.url, 'GET', '/api/approvals?status=pending')).json()) as { approvals: Approval[] };
    return approvals[0];
  });
  assert.deepEqual({ policy: pending.policy, eventType: pending.eventType }, { policy: 'driver:filer', eventType: 'context.write' });
  assert.equal(openai.requests.length, 1, 'the model asked for the write, which now waits');

  host.child.kill('SIGKILL');
  await host.exited;
  host = await start();

  assert.equal((await call(host.url, 'POST', `/api/approvals/${pending.id}`, { decision: 'approve', comment: 'fine' })).status, 200);
  type Listed = { id: string; event: { data: { text: string } } };
  const answers = await until('the answer', async () => {
    const { events } = (await (await call(host!.url, 'GET', '/api/events?type=file.it.response')).json()) as { events: Listed[] };
    return events.length > 0 ? events : undefined;
  });
  assert.equal(answers[0]?.event.data.text, 'Filed /Filed/receipt.');
  const document = await call(host.url, 'GET', '/api/context/Filed/receipt');
  assert.equal(await document.text(), 'the receipt');

  // Give any duplicate a chance to show up, then count.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { events } = (await (await call(host.url, 'GET', '/api/events?type=file.it.response')).json()) as { events: Listed[] };
  assert.equal(events.length, 1, 'one answer');
  const versions = (await (await call(host.url, 'GET', '/api/context/Filed/receipt?view=versions')).json()) as { versions: unknown[] };
  assert.deepEqual(versions.versions, [], 'written once: no earlier version');
  assert.equal(openai.requests.length, 2, 'two model calls in all: none repeated by the restart');
  host.child.kill('SIGTERM');
  assert.equal(await host.exited, 0);
  host = undefined;
});
