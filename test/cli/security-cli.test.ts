/**
 * `vextir policy | approvals | grants` as a user runs them: a separate process talking HTTP to
 * the real embedded system, minting its own dev token from the data folder.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { runVextir, type CliResult } from '../helpers/cli.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

function vextir(user: string, ...args: string[]): Promise<CliResult> {
  return runVextir(args, { url: system.url, dataDir: system.dataDir, user });
}

async function ok(user: string, ...args: string[]): Promise<string> {
  const result = await vextir(user, ...args);
  assert.equal(result.code, 0, `vextir ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

it('manages policies, approves a parked event and grants access from the terminal', async () => {
  const file = join(system.dataDir, 'mine.yaml');
  writeFileSync(file, 'policies:\n  - id: four-eyes\n    name: Four eyes\n    condition: event.type == "bank.wire"\n    action: require_approval\n');
  assert.match(await ok('ada', 'policy', 'put', file), /^stored 1 user policies/);
  const listed = await ok('ada', 'policy', 'ls');
  assert.match(listed, /rate-limit-day[\s\S]*rate-limit-minute/, 'global policies in evaluation order');
  assert.match(listed, /user \(1\)\n\s+0 require_approval\s+four-eyes/);

  const dryRun = JSON.parse(await ok('ada', 'policy', 'test', 'bank.wire', '--data', '{"amount":5}')) as { decision: { verdict: string; decidedBy: string } };
  assert.deepEqual([dryRun.decision.verdict, dryRun.decision.decidedBy], ['require_approval', 'four-eyes']);

  const bad = join(system.dataDir, 'bad.yaml');
  writeFileSync(bad, 'policies:\n  - { id: x, name: X, condition: "event.type ==", action: deny }\n');
  const refused = await vextir('ada', 'policy', 'put', bad);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /400 .*x/);

  const id = await system.emit('ada', 'bank.wire', { amount: 5 });
  await system.settled('ada', id);
  const pending = await ok('ada', 'approvals', 'ls');
  const approval = /^(apr_\S+)\s+pending\s+bank\.wire/m.exec(pending)?.[1];
  assert.ok(approval, pending);
  assert.match(await ok('ada', 'approvals', 'approve', approval, '--comment', 'ok'), /approved; the event runs now/);
  assert.equal((await system.settled('ada', id, (record) => record.status !== 'awaiting_approval')).status, 'processed');

  assert.match(await ok('ada', 'grants', 'add', '/Projects', 'user:bea', 'read'), /granted read on \/Projects to user:bea/);
  assert.match(await ok('ada', 'grants', 'ls'), /read\s+user:bea\s+\/Projects/);
  assert.match(await ok('ada', 'grants', 'rm', '/Projects', 'user:bea'), /revoked/);
  const global = await vextir('ada', 'policy', 'put', file, '--global');
  assert.match(global.stderr, /403/);
});
