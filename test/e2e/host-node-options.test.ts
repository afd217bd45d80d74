/**
 * The host under Node options a user sets: V8's and process-wide ones (`--max-old-space-size`,
 * `--stack-size`), which a worker thread's own option list refuses, with `vextir start` and with
 * the host started from `node --input-type=module -e` (whose entry options the processor thread
 * must not inherit). Each time an event is processed in the processor thread.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import { startHostProcessSystem } from '../helpers/host-process-system.js';
import { systemClient } from '../helpers/system-client.js';
import { runnable } from '../helpers/vextir-entry.js';

const V8_OPTIONS = ['--max-old-space-size=512', '--stack-size=2000'];

describe('the host under Node options', () => {
  it('`node --max-old-space-size=... --stack-size=... vextir start` runs its processor thread', async () => {
    const system = await startHostProcessSystem({ VEXTIR_PROCESSOR_THREADS: '1' }, {}, V8_OPTIONS);
    try {
      const id = await system.emit('ana', 'demo.ping');
      assert.equal((await system.settled('ana', id)).status, 'processed');
      const health = (await (await system.request('ana', 'GET', '/api/health')).json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
      assert.equal(health.checks.processors?.ok, true, JSON.stringify(health.checks.processors));
    } finally {
      await system.stop();
    }
  });

  it('a host started with `node --stack-size=... --input-type=module -e` runs its processor thread', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vextir-options-'));
    const href = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);
    const configModule = runnable('src/config.ts');
    const embeddedModule = runnable('src/hosts/embedded/index.ts');
    const script = [
      `const { loadConfig } = await import(${href(configModule.module)});`,
      `const { startLocal } = await import(${href(embeddedModule.module)});`,
      "const { default: pino } = await import('pino');",
      `const env = { VEXTIR_DATA_DIR: ${JSON.stringify(dataDir)}, VEXTIR_CONFIG: 'none.yaml', PORT: '0', VEXTIR_PROCESSOR_THREADS: '1' };`,
      "const host = await startLocal(loadConfig(env), pino({ level: 'silent' }));",
      'console.log(host.url);',
      "process.once('SIGTERM', () => void host.stop());",
    ].join('\n');
    const child = spawn(process.execPath, [...V8_OPTIONS, ...embeddedModule.nodeArgs, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const [line] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => [Buffer.from('')])])) as [Buffer];
      const url = line.toString().trim();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, `the host did not start: ${stderr}`);
      const client = systemClient(url, dataDir);
      const id = await client.emit('ana', 'demo.ping');
      assert.equal((await client.settled('ana', id)).status, 'processed');
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
