/**
 * The terminal experience against the real embedded system, the CLI in a child process as a user
 * runs it (so not a terminal: no colour, progress as plain lines): `vextir tail` shows events as
 * they happen, a denied one marked; bulk emit, dead-letter replay and context import report
 * their progress; the README lists exactly the commands `--help` does.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runVextir, type CliResult } from '../helpers/cli.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

const USER = 'tess';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system.stop());

function vextir(...args: string[]): Promise<CliResult> {
  return runVextir(args, { url: system.url, dataDir: system.dataDir, user: USER });
}

async function ok(...args: string[]): Promise<CliResult> {
  const result = await vextir(...args);
  assert.equal(result.code, 0, `vextir ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

/** `vextir tail` running in the background until stop(); `until` waits for a line of its stdout. */
function startTail(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, VEXTIR_DATA_DIR: system.dataDir, VEXTIR_USER: USER };
  delete env['VEXTIR_TOKEN'];
  delete env['VEXTIR_URL'];
  const child = spawn(process.execPath, [...vextirEntry(), 'tail', ...args, '--url', system.url], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const until = async (test: (text: string) => boolean, what: string): Promise<string> => {
    for (let i = 0; i < 400; i += 1) {
      if (test(stdout)) return stdout;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`tail never showed ${what}; stdout:\n${stdout}\nstderr:\n${stderr}`);
  };
  const started = () => until(() => stderr.includes('following'), 'that it follows');
  const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill())));
  return { until, started, stop, stderr: () => stderr };
}

describe('vextir tail', () => {
  it('shows events as they happen, one line each, a denied one marked with the reason', async () => {
    const response = await system.request(USER, 'PUT', '/api/policies?scope=user', {
      body: 'policies:\n  - { id: no-ops, name: No ops, condition: "event.type.startsWith(\'ops.\')", action: deny, config: { reason: "ops is closed" } }\n',
      headers: { 'content-type': 'application/yaml' },
    });
    assert.equal(response.status, 200, await response.text());
    const tail = startTail('--filter', 'demo.*,ops.*');
    try {
      await tail.started();
      assert.match(tail.stderr(), new RegExp(`as ${USER} \\(VEXTIR_USER\\)`));
      await system.emit(USER, 'demo.ping', { hello: 'tail' }, { id: 'tail-ping' });
      await system.emit(USER, 'ops.restart', { host: 'db-1' }, { id: 'tail-ops' });
      const out = await tail.until((text) => /tail-ops.*by policy-engine/.test(text) && /demo\.pong/.test(text), 'the denial and the pong');
      assert.match(out, /^\d\d:\d\d:\d\d ✓ processed demo\.ping +tail-ping +\{"hello":"tail"\}$/m);
      assert.match(out, /^\d\d:\d\d:\d\d ⊘ denied +ops\.restart +tail-ops +by policy-engine: Denied by policy "no-ops": ops is closed$/m);
      assert.ok(!out.includes('\u001b'), 'no colour when not a terminal');
      assert.ok(!/context\.|event\.denied/.test(out), 'the filter holds');
    } finally {
      await tail.stop();
    }
  });

  it('--json prints each record whole, one per line', async () => {
    const tail = startTail('--json', '--filter', 'json.*');
    try {
      await tail.started();
      await system.emit(USER, 'json.check', { n: 1 }, { id: 'tail-json' });
      const out = await tail.until((text) => text.includes('"tail-json"'), 'the event');
      const record = JSON.parse(out.split('\n').find((line) => line.includes('"tail-json"')) ?? '') as { id: string; event: { data: unknown } };
      assert.deepEqual(record.event.data, { n: 1 });
    } finally {
      await tail.stop();
    }
  });
});

describe('vextir emit, many events', () => {
  it('--data-file: batches through the batch ingest, progress as plain lines; a rerun with the same --id is taken in once', async () => {
    const file = join(system.dataDir, 'bulk.jsonl');
    writeFileSync(file, Array.from({ length: 250 }, (_, n) => JSON.stringify({ n })).join('\n') + '\n');
    const first = await ok('emit', 'bulk.item', '--data-file', file, '--id', 'bulk');
    assert.equal(first.stdout, 'accepted 250 events\n');
    assert.match(first.stderr, /^emitting done: 250\/250 in \d+\.\ds \(\S+\/s\)$/m);
    assert.ok(!first.stderr.includes('\r') && !first.stderr.includes('\u001b'), 'no redrawing when not a terminal');
    const again = await ok('emit', 'bulk.item', '--data-file', file, '--id', 'bulk');
    assert.equal(again.stdout, 'accepted 0 events (250 already accepted)\n');
    const record = await system.settled(USER, 'bulk-250');
    assert.deepEqual(record.event.data, { n: 249 });
  });

  it('--count n alike events, --json lists their ids; lines without <type> are whole events', async () => {
    const { stdout } = await ok('emit', 'bulk.tick', '--count', '120', '--data', '{"x":1}', '--id', 'tick', '--json');
    const result = JSON.parse(stdout) as { ids: string[]; duplicates: string[] };
    assert.equal(result.ids.length, 120);
    assert.equal(result.ids[119], 'tick-120');
    const file = join(system.dataDir, 'mixed.jsonl');
    writeFileSync(file, '{"type":"bulk.a","data":{"k":1}}\n\n{"type":"bulk.b","id":"own-id"}\n');
    assert.equal((await ok('emit', '--data-file', file)).stdout, 'accepted 2 events\n');
    assert.equal((await system.settled(USER, 'own-id')).type, 'bulk.b');
    const bad = await vextir('emit', 'bulk.x', '--count', 'many');
    assert.equal(bad.code, 2);
  });
});

describe('vextir dlq replay and context import', () => {
  it('dlq replay takes several ids or --all, not neither', async () => {
    const admin = await system.token('root', { admin: true });
    assert.equal((await vextir('dlq', 'replay')).code, 2);
    assert.equal((await ok('dlq', 'replay', '--all', '--token', admin)).stdout, 'no dead letters\n');
    const missing = await vextir('dlq', 'replay', 'm-1', 'm-2', '--token', admin);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^replaying done: 2\/2 .*, 2 failed$/m);
    assert.match(missing.stderr, /2 could not be replayed:\n {2}m-1: 404/);
  });

  it('context import puts every file under a folder as a document, skipping dot-names', async () => {
    const dir = join(system.dataDir, 'notes-to-import');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, 'readme.md'), '# hello\n');
    writeFileSync(join(dir, 'sub', 'data.json'), '{"a":1}');
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref');
    const first = await ok('context', 'import', dir, '/Imported');
    assert.equal(first.stdout, 'imported 2 of 2 files into /Imported (2 created, 0 updated)\n');
    assert.match(first.stderr, /^importing done: 2\/2/m);
    assert.equal((await ok('context', 'get', '/Imported/readme.md')).stdout, '# hello\n');
    assert.equal((await ok('context', 'get', '/Imported/sub/data.json')).stdout, '{\n  "a": 1\n}\n');
    assert.match((await ok('context', 'import', dir, '/Imported')).stdout, /\(0 created, 2 updated\)/);
  });
});

describe('--help and the README', () => {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('The CLI (`npx vextir --help`) wraps the same API:');
  const list = readme.slice(start, readme.indexOf('\n\n', start));

  /** `cmd sub` for every command and subcommand a text names (`cmd` alone when it has none). */
  const forms = (entries: readonly string[]): Set<string> =>
    new Set(
      entries.flatMap((entry) => {
        const [command = '', rest = ''] = entry.split(/ (.*)/);
        // The word after the command: `ls`, `get|put|rm`, or an argument or option (none).
        const subs = (rest.split(' ')[0] ?? '').split('|').filter((part) => /^[a-z]/.test(part));
        return subs.length === 0 ? [command] : subs.map((sub) => `${command} ${sub}`);
      }),
    );

  it('every command and subcommand in --help is in the README list, and nothing else', async () => {
    const help = (await ok('--help')).stdout;
    const fromHelp = forms(help.split('\n').flatMap((line) => /^ {2}vextir (.+?)(?: {2,}|$)/.exec(line)?.[1] ?? []));
    const fromReadme = forms([...list.matchAll(/`([a-z][^`]*)`/g)].map((match) => match[1] ?? '').filter((entry) => !entry.startsWith('npx ')));
    assert.ok(start > 0, 'the README has the CLI list');
    assert.deepEqual([...fromReadme].sort(), [...fromHelp].sort());
  });

  it('vextir <command> --help shows that command whole', async () => {
    const { stdout } = await ok('emit', '--help');
    assert.match(stdout, /--data-file/);
    assert.match(stdout, /--count <n>/);
    assert.match(stdout, /Options for commands that talk to a server/);
    assert.ok(!stdout.includes('vextir tail'));
    assert.match((await ok('context', '--help')).stdout, /import <dir> \[<path>\]/);
  });
});
