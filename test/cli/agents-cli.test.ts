/**
 * `vextir agents` as a user runs it: a separate process talking HTTP to the real embedded
 * system. The round trip the README promises: get a built-in as YAML, change its id, put it
 * back, see it listed as yours, remove it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
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

it('copies a built-in agent into an agent of your own and manages it from the terminal', async () => {
  const listed = await ok('ivy', 'agents', 'ls');
  assert.match(listed, /^SOURCE\s+ID\s+STARTS ON\s+TOOLS\n/);
  assert.match(listed, /builtin\s+chat\s+llm\.chat\s+context_search, context_read/);
  assert.match(listed, /builtin\s+email_assistant\s+email\.received\s+context_search, context_read, context_write, emit_event\(meeting\.schedule\)/);

  const yaml = await ok('ivy', 'agents', 'get', 'chat');
  const file = join(system.dataDir, 'my-chat.yaml');
  writeFileSync(file, yaml.replace(/^id: chat$/m, 'id: my_chat').replace(/^ {2}- llm\.chat$/m, '  - my.chat'));
  assert.match(await ok('ivy', 'agents', 'put', file), /^created agent my_chat, starting on my\.chat \(etag .+\)\n$/);
  assert.match(await ok('ivy', 'agents', 'ls'), /^user\s+my_chat\s+my\.chat\s+context_search, context_read$/m);
  assert.equal((parseYaml(await ok('ivy', 'agents', 'get', 'my_chat')) as { system_prompt: string }).system_prompt, (parseYaml(yaml) as { system_prompt: string }).system_prompt);

  const json = JSON.parse(await ok('ivy', 'agents', 'get', 'my_chat', '--json')) as { id: string; max_steps: number };
  assert.deepEqual([json.id, json.max_steps], ['my_chat', 6]);
  const jsonFile = join(system.dataDir, 'my-chat.json');
  writeFileSync(jsonFile, JSON.stringify({ ...json, enabled: false }));
  assert.match(await ok('ivy', 'agents', 'put', jsonFile), /^replaced agent my_chat/);
  assert.match(await ok('ivy', 'agents', 'ls'), /^user\s+my_chat \(disabled\)/m);

  assert.equal(await ok('ivy', 'agents', 'rm', 'my_chat'), 'deleted agent my_chat\n');
  assert.doesNotMatch(await ok('ivy', 'agents', 'ls'), /my_chat/);
});

it('reports what is wrong: a taken id, a bad field, a missing id, an unknown agent', async () => {
  const taken = join(system.dataDir, 'taken.yaml');
  writeFileSync(taken, 'id: chat\nname: My chat\nsystem_prompt: Chat.\ncapabilities: [my.chat]\n');
  const conflict = await vextir('ivy', 'agents', 'put', taken);
  assert.equal(conflict.code, 1);
  assert.match(conflict.stderr, /^vextir: 409 Conflict: the id "chat" belongs to a built-in agent/);

  const bad = join(system.dataDir, 'bad.yaml');
  writeFileSync(bad, 'id: bad_one\nname: Bad\nsystem_prompt: x\ncapabilities: [a.b]\ntools: [send_email]\n');
  const invalid = await vextir('ivy', 'agents', 'put', bad);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /400 Invalid input[\s\S]*\n {2}\/tools\/0: "send_email" matches no native tool/);

  const anonymous = join(system.dataDir, 'anonymous.yaml');
  writeFileSync(anonymous, 'name: No id\n');
  const noId = await vextir('ivy', 'agents', 'put', anonymous);
  assert.equal(noId.code, 2);
  assert.match(noId.stderr, /has no id/);

  assert.match((await vextir('ivy', 'agents', 'get', 'nobody')).stderr, /404 Not found: there is no agent "nobody"/);
  assert.match((await vextir('ivy', 'agents', 'rm', 'nobody')).stderr, /404/);
  assert.equal((await vextir('ivy', 'agents', 'frobnicate')).code, 2);
});
