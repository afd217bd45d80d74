/** `vextir packs` as a user runs it: the CLI in a child process (no terminal) against the embedded host and a loopback registry. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runVextir, type CliResult } from '../helpers/cli.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startTestRegistry, type TestRegistry } from '../helpers/npm-registry.js';

let system: TestSystem;
let registry: TestRegistry;
beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.publish(resolve('test/fixtures/packs/notes-1.0.0'), { name: 'vextir-pack-notes', version: '1.0.0', description: 'Files each note under /Notes' });
  system = await startTestSystem({ env: { VEXTIR_PACK_REGISTRY: registry.url } });
});
afterAll(async () => {
  await system.stop();
  await registry.close();
});

const vextir = (...args: string[]): Promise<CliResult> => runVextir(args, { url: system.url, dataDir: system.dataDir, user: 'pia' });

describe('vextir packs', () => {
  it('searches, refuses to consent without a terminal or --yes, adds with --yes, lists, shows and removes', async () => {
    const search = await vextir('packs', 'search', 'notes');
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /^vextir-pack-notes +1\.0\.0 +Files each note under \/Notes$/m);

    const refused = await vextir('packs', 'add', 'vextir-pack-notes');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /It may:\n {2}- handle these events of yours: notes\.add, notes\.summarize/);
    assert.match(refused.stderr, /run this on a terminal to be asked, or pass --yes/);
    assert.match((await vextir('packs', 'ls')).stdout, /^no packs installed/);

    const added = await vextir('packs', 'add', 'vextir-pack-notes', '--yes');
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^added notes 1\.0\.0$/m);
    assert.match(added.stdout, /^ {2}in your space: instruction notes_file, app notes, policy notes-log-adds$/m);
    assert.match((await vextir('packs', 'ls')).stdout, /^notes +1\.0\.0 +granted +vextir-pack-notes@1\.0\.0$/m);
    const shown = await vextir('packs', 'show', 'notes', '--json');
    assert.equal((JSON.parse(shown.stdout) as { grant: { state: string } }).grant.state, 'granted');

    const removed = await vextir('packs', 'rm', 'notes');
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^removed notes for you: instruction notes_file, app notes, .*\(your data is kept\)$/m);
    const global = await vextir('packs', 'rm', 'notes', '--global');
    assert.equal(global.code, 1);
    assert.match(global.stderr, /403 Forbidden: a global grant or removal needs the admin role/);
  });
});
