/** `vextir models` and `vextir usage` as a user runs them: the CLI in its own process, over HTTP. */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';
import { runVextir, type CliResult } from '../helpers/cli.js';

let openai: ModelServer;
let system: TestSystem;
beforeAll(async () => {
  openai = await startOpenAiServer();
  system = await startTestSystem({ env: { OPENAI_API_KEY: 'sk-cli-secret', OPENAI_BASE_URL: openai.url } });
});
afterAll(async () => {
  await system.stop();
  await openai.close();
});

function vextir(user: string, ...args: string[]): Promise<CliResult> {
  return runVextir(args, { url: system.url, dataDir: system.dataDir, user, unset: ['OPENAI_API_KEY'] });
}

it('lists the models with prices and availability, and prints usage per model', async () => {
  const models = await vextir('cleo', 'models');
  assert.equal(models.code, 0, models.stderr);
  assert.match(models.stdout, /^gpt-5-nano\s+openai\s+0\.050\s+0\.40\s+400000\s+chat,tools,vision,json$/m);
  assert.match(models.stdout, /^claude-haiku-4-5\s+anthropic\s+.*unavailable: ANTHROPIC_API_KEY is not set$/m);
  assert.ok(!models.stdout.includes('sk-cli-secret'));

  openai.script('gpt-5-nano', { text: 'hi', usage: { input: 1000, output: 100 } });
  const id = await system.emit('cleo', 'model.request', { model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
  await system.settled('cleo', id);
  const usage = await vextir('cleo', 'usage');
  assert.equal(usage.code, 0, usage.stderr);
  assert.match(usage.stdout, /tokens {2}today 1100/);
  assert.match(usage.stdout, /per model today \(\d{4}-\d\d-\d\d\)\n.*\n {2}gpt-5-nano\s+1\s+1000\s+0\s+100\s+0\.000090/);
  const json = JSON.parse((await vextir('cleo', 'usage', '--json')).stdout) as { models: { thisMonth: Array<{ model: string }> } };
  assert.equal(json.models.thisMonth[0]?.model, 'gpt-5-nano');
});
