/**
 * The Function App must not load the embedded default: nothing on the Azure path imports
 * src/adapters/local, so better-sqlite3 (a native addon) never loads in a Function App.
 * Checked on the built JavaScript as Node loads it: the project's build in dist/ when it is current
 * (else the app is compiled into a temporary folder), its entry (package.json `main`) imported
 * with a resolve hook that records every module.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildIsCurrent } from '../helpers/vextir-entry.js';

let dir: string;
let loaded: string[];

beforeAll(() => {
  // Inside the repository (.tmp/ is git-ignored) so the build resolves this project's node_modules.
  mkdirSync('.tmp', { recursive: true });
  dir = resolve(mkdtempSync(join('.tmp', 'graph-')));
  let outDir = resolve('dist');
  if (!buildIsCurrent()) {
    outDir = join(dir, 'dist');
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir]);
  }
  const main = (JSON.parse(readFileSync('package.json', 'utf8')) as { main: string }).main.replace(/^dist\//, '');
  const log = join(dir, 'resolved.txt');
  const script = [
    "import { register } from 'node:module';",
    `register(${JSON.stringify(pathToFileURL(resolve('test/helpers/record-resolutions.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });`,
    `await import(${JSON.stringify(pathToFileURL(join(outDir, main)).href)});`,
  ].join('\n');
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, VEXTIR_MODE: 'azure' }, stdio: 'pipe' });
  loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Function App module graph', () => {
  it('loads the Azure host and its SDKs (the hook sees the whole graph)', () => {
    for (const expected of ['/src/functions/index.js', '/src/hosts/azure/compose.js', '/src/wiring/core.js', '@azure/service-bus', '@azure/cosmos']) {
      assert.ok(loaded.some((url) => url.includes(expected)), `expected ${expected} in the graph of ${loaded.length} modules`);
    }
  });

  it('loads no OpenTelemetry module at start: tracing (src/tracing, the SDK, the Azure Monitor exporter) loads at composition, and only when configured', () => {
    assert.deepEqual(loaded.filter((url) => /@opentelemetry|monitor-opentelemetry|\/src\/tracing\//.test(url)), []);
  });

  it('never loads the embedded default: no src/adapters/local, no better-sqlite3, no embedded host', () => {
    const local = loaded.filter((url) => /\/src\/adapters\/local\/|better-sqlite3|\/src\/hosts\/embedded\//.test(url));
    assert.deepEqual(local, []);
  });
});
