/**
 * VEXTIR_POLICY_FILE and globally granted packs across restarts of the embedded host: the file
 * is the global set at each start, plus the policies the packs put there, which stay in force
 * until the pack is removed (the file does not drop them, nor do they survive the pack's removal).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

const NOTES = resolve('test/fixtures/packs/notes-1.0.0');
const fileSet = (message: string) => [{ id: 'ops-log-all', name: 'Log everything', condition: 'true', action: 'log', config: { message } }];

let dataDir: string;
let system: TestSystem | undefined;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-policy-file-'));
});
afterAll(async () => {
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function restart(message: string): Promise<TestSystem> {
  await system?.stop();
  system = await startTestSystem({ dataDir, globalPolicies: fileSet(message) });
  return system;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  assert.ok(system);
  const response = await system.request('ada', method, path, { ...(body !== undefined && { body }), admin: true });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function globalSet(): Promise<Array<{ id: string; config: { message?: string } }>> {
  const answer = await call('GET', '/api/policies?scope=global');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body['policies'] as Array<{ id: string; config: { message?: string } }>;
}

describe('the policy file and globally granted packs', () => {
  it('a restart keeps the global pack policies beside the file set, and a new file replaces only its own', async () => {
    await restart('first');
    const asked = await call('POST', '/api/packs', { source: NOTES, global: true });
    assert.equal(asked.status, 428);
    const digest = (asked.body['consent'] as { digest: string }).digest;
    assert.equal((await call('POST', '/api/packs', { source: NOTES, global: true, grant: { digest } })).status, 201);
    assert.deepEqual((await globalSet()).map((policy) => policy.id), ['ops-log-all', 'notes-log-adds']);

    await restart('first');
    assert.deepEqual((await globalSet()).map((policy) => policy.id), ['ops-log-all', 'notes-log-adds']);

    // The operator deploys a changed file: its set is replaced, the pack's policy stays.
    await restart('second');
    const after = await globalSet();
    assert.deepEqual(after.map((policy) => [policy.id, policy.config.message]), [['ops-log-all', 'second'], ['notes-log-adds', 'a note arrived']]);

    // The pack's policy is in force: a note's record names it among the matched policies.
    assert.ok(system);
    const id = await system.emit('olaf', 'notes.add', { text: 'hello' });
    const record = await system.settled('olaf', id);
    const matched = (record.decision?.['matched'] as Array<{ id: string }> | undefined)?.map((entry) => entry.id) ?? [];
    assert.ok(matched.includes('notes-log-adds') && matched.includes('ops-log-all'), JSON.stringify(record.decision));
  });

  it('once the pack is uninstalled its policy is gone, and stays gone after a restart', async () => {
    assert.equal((await call('DELETE', '/api/packs/notes?global=true')).status, 200);
    assert.deepEqual((await globalSet()).map((policy) => policy.id), ['ops-log-all']);
    await restart('second');
    assert.deepEqual((await globalSet()).map((policy) => policy.id), ['ops-log-all']);
  });
});
