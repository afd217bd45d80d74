/**
 * `vextir context ...` as a user runs it: a separate process talking HTTP to the real embedded
 * system, minting its own dev token from the data folder.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { runVextir, type CliResult } from '../helpers/cli.js';

const USER = 'clio';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system.stop();
});

function vextir(...args: string[]): Promise<CliResult> {
  return runVextir(['context', ...args], { url: system.url, dataDir: system.dataDir, user: USER });
}

async function ok(...args: string[]): Promise<string> {
  const result = await vextir(...args);
  assert.equal(result.code, 0, `vextir context ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

it('puts, gets, lists, queries, searches, moves, versions, restores and removes', async () => {
  assert.match(await ok('put', '/Projects/Alpha/status', '--data', '{"state":"green"}', '--metadata', '{"priority":"high"}'), /^created \/Projects\/Alpha\/status \(version 1, etag ".+"\)/);
  const file = join(system.dataDir, 'notes.md');
  writeFileSync(file, '# Quarterly report\nThe quarterly report is due.');
  assert.match(await ok('put', '/Notes/report.md', '--file', file, '--metadata', '{"priority":"high"}'), /^created/);
  assert.match(await ok('put', '/Projects/Alpha/status', '--data', '{"state":"amber"}'), /^updated .* \(version 2/);

  assert.deepEqual(JSON.parse(await ok('get', '/Projects/Alpha/status')), { state: 'amber' });
  assert.equal(await ok('get', '/Notes/report.md'), '# Quarterly report\nThe quarterly report is due.\n');
  const root = await ok('ls');
  for (const name of ['Documents/', 'Notes/', 'Projects/', 'Research/', 'Welcome']) assert.match(root, new RegExp(` ${name.replace('/', '\\/')}$`, 'm'));

  assert.match(await ok('query', '/Projects/', 'priority = "high"', '--order-by', 'updatedAt desc', '--limit', '20'), /^\/Projects\/Alpha\/status {2}v2 /m);
  assert.match(await ok('search', 'quarterly report'), /^ +\d+\.\d{3} {2}\/Notes\/report\.md/);

  assert.equal(await ok('mv', '/Projects/Alpha', '/Projects/Omega'), 'moved /Projects/Alpha to /Projects/Omega\n');
  assert.match(await ok('versions', '/Projects/Omega/status'), /current version 2\n {2}v1 /);
  assert.match(await ok('restore', '/Projects/Omega/status', '1'), /now version 3/);
  assert.deepEqual(JSON.parse(await ok('get', '/Projects/Omega/status')), { state: 'green' });

  const refused = await vextir('rm', '/Projects');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /409 Conflict/);
  assert.match(await ok('rm', '/Projects', '--recursive'), /^removed \/Projects \(3 entries\)/);
});

it('reports a stale --if-match and bad usage clearly', async () => {
  const stale = await vextir('put', '/Notes/x', '--text', 'hi', '--if-match', '"not-the-etag"');
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /412 Precondition failed/);
  const usage = await vextir('put', '/Notes/x');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /exactly one of --data/);
});
