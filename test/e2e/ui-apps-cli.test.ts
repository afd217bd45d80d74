/**
 * `vextir apps` as a user runs it: the CLI in a child process against the real embedded system,
 * and the README's list of the commands, which must be what --help prints.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runVextir, type CliResult } from '../helpers/cli.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

function vextir(...args: string[]): Promise<CliResult> {
  return runVextir(args, { url: system.url, dataDir: system.dataDir, user: 'uma' });
}

async function ok(...args: string[]): Promise<string> {
  const result = await vextir(...args);
  assert.equal(result.code, 0, `vextir ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

describe('vextir apps', () => {
  it('puts, lists, gets and removes an application', async () => {
    assert.match(await ok('apps', 'ls'), /^no apps/);
    const put = await ok('apps', 'put', 'examples/packs/weather/weather-app.yaml');
    assert.equal(put.trim(), `created app weather: ${system.url}/apps/weather`);
    assert.match(await ok('apps', 'put', 'examples/packs/weather/weather-app.yaml'), /^updated app weather/);
    assert.match(await ok('apps', 'ls'), /^weather +\/apps\/weather +Weather$/m);
    const yaml = await ok('apps', 'get', 'weather');
    assert.match(yaml, /^path: \/weather$/m);
    const copy = join(system.dataDir, 'weather-copy.yaml');
    writeFileSync(copy, yaml.replace('id: weather', 'id: weather2').replace('path: /weather', 'path: /weather/copy'));
    assert.match(await ok('apps', 'put', copy), /created app weather2: .*\/apps\/weather\/copy$/m);
    const listed = JSON.parse(await ok('apps', 'ls', '--json')) as { apps: Array<{ id: string }> };
    assert.deepEqual(listed.apps.map((app) => app.id), ['weather', 'weather2']);
    assert.equal((await ok('apps', 'rm', 'weather2')).trim(), 'deleted app weather2');
    const gone = await vextir('apps', 'get', 'weather2');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no UI application "weather2"/);
  });

  it('prints the server\'s reasons for a bad application, naming the component', async () => {
    const bad = join(system.dataDir, 'bad.yaml');
    writeFileSync(bad, 'type: ui_application\nid: bad\nname: Bad\npath: /bad\ncomponents:\n  - { id: a, type: markdown, content: hi }\n  - { id: b, type: iframe }\n');
    const result = await vextir('apps', 'put', bad);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\/components\/1\/type/);
  });
});

describe('the README', () => {
  it('lists the apps commands exactly as --help does', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## UI applications'));
    const help = await ok('--help');
    const synopses = help.split('\n').filter((line) => /^ {2}vextir apps /.test(line)).map((line) => line.trim().split(/ {2,}/)[0]);
    assert.equal(synopses.length, 4);
    assert.ok(section.includes(`\`\`\`text\n${synopses.join('\n')}\n\`\`\``), `the README's list differs from --help:\n${synopses.join('\n')}`);
  });
});
