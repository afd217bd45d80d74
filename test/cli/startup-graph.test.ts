/**
 * What `vextir` loads to start: a command that talks HTTP imports its own module and the client,
 * never the policy engine, CEL, the PII detectors, the hosts or the storage adapters (they once
 * doubled every command's start-up). Read from the real module graph: the CLI runs in a child
 * process with a resolve hook that records every module Node loads.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { freePort } from '../helpers/local-host-process.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

mkdirSync('.tmp', { recursive: true });
const dir = resolve(mkdtempSync(join('.tmp', 'cli-graph-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `vextir <args>` with the hook; the modules it loaded, and its stderr. */
async function loadedBy(name: string, args: readonly string[], dataDir = join(dir, 'data')): Promise<{ loaded: string[]; stderr: string }> {
  const log = join(dir, `${name}.txt`);
  const hook = pathToFileURL(resolve('test/helpers/record-resolutions.mjs')).href;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hook)}, { data: { log: ${JSON.stringify(log)} } });`;
  const env = { ...process.env, VEXTIR_DATA_DIR: dataDir, VEXTIR_USER: 'ann', PORT: '0' };
  const stderr = await new Promise<string>((done) => {
    execFile(process.execPath, [`--import=data:text/javascript,${encodeURIComponent(register)}`, ...vextirEntry(), ...args], { env }, (_error, _stdout, err) => done(err));
  });
  return { loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), stderr };
}

const HEAVY = /@marcbachmann\/cel-js|\/src\/security\/(policy|pii|authorization|usage)\/|\/src\/(hosts|adapters|wiring|drivers)\/|better-sqlite3|@azure\//;

describe('the CLI at start-up', () => {
  it('loads, for a command that talks HTTP, its own module and nothing of the server side', async () => {
    // A free port, so nothing listens: the command fails fast, after loading what it needs.
    const { loaded, stderr } = await loadedBy('events-ls', ['events', 'ls', '--url', `http://127.0.0.1:${await freePort()}`]);
    assert.match(stderr, /cannot reach/, 'the command ran (and found no server)');
    assert.ok(loaded.some((url) => /\/src\/cli\/commands\/events\.(js|ts)$/.test(url)), `the hook saw the graph (${loaded.length} modules)`);
    assert.ok(!loaded.some((url) => /\/src\/cli\/commands\/(plans|start|packs)\./.test(url)), 'other commands are not imported');
    assert.deepEqual(loaded.filter((url) => HEAVY.test(url)), []);
  });

  it('loads the host only for `vextir start` (the control: the pattern above does match)', async () => {
    // A data folder that is a file: the host's modules load, then start-up fails at once.
    const notAFolder = join(dir, 'not-a-folder');
    writeFileSync(notAFolder, '');
    const { loaded, stderr } = await loadedBy('start', ['start'], notAFolder);
    assert.notEqual(stderr, '', 'start-up failed, as it should');
    assert.ok(loaded.some((url) => /\/src\/hosts\/embedded\//.test(url)));
    assert.ok(loaded.some((url) => HEAVY.test(url)));
  });
});
