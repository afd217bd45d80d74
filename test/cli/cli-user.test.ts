/**
 * Who the CLI acts as, said where it helps: `vextir token` without a user mints for the CLI's
 * user (--user, VEXTIR_USER, the OS user) and says which on stderr; `tail` says whom it follows;
 * an empty `events ls` says so; a refused token says where the CLI's token came from.
 * Separate processes over HTTP against the real embedded system, as a user runs them.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { DevTokenAuthenticator, loadOrCreateDevSecret } from '../../src/security/index.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

let system: TestSystem;
let otherDataDir: string;
beforeAll(async () => {
  system = await startTestSystem();
  otherDataDir = mkdtempSync(join(tmpdir(), 'vextir-other-'));
});
afterAll(async () => {
  await system.stop();
  rmSync(otherDataDir, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const CLI = vextirEntry();

function vextir(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const { VEXTIR_TOKEN: _token, VEXTIR_URL: _url, VEXTIR_USER: _user, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { env: { ...inherited, VEXTIR_DATA_DIR: system.dataDir, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

it('`vextir token` without a user mints for VEXTIR_USER (else the OS user) and says so on stderr only', async () => {
  const [fromEnv, fromOs, fromFlag] = await Promise.all([vextir(['token'], { VEXTIR_USER: 'alice' }), vextir(['token']), vextir(['token', '--user', 'bob'], { VEXTIR_USER: 'alice' })]);
  const authenticator = new DevTokenAuthenticator(loadOrCreateDevSecret(system.dataDir));
  assert.equal((await authenticator.authenticate(fromEnv.stdout.trim())).userId, 'alice');
  assert.match(fromEnv.stderr, /a dev token for "alice" \(VEXTIR_USER;/);
  assert.equal((await authenticator.authenticate(fromOs.stdout.trim())).userId, userInfo().username);
  assert.match(fromOs.stderr, /\(the OS user;/);
  assert.equal((await authenticator.authenticate(fromFlag.stdout.trim())).userId, 'bob');
  const explicit = await vextir(['token', 'carol'], { VEXTIR_USER: 'alice' });
  assert.equal(explicit.stderr, '', 'an explicit user needs no comment');
});

it('an empty `events ls` says so, naming the filter and the user; a denied event says why', async () => {
  const [all, typed] = await Promise.all([
    vextir(['events', 'ls', '--url', system.url], { VEXTIR_USER: 'nobody' }),
    vextir(['events', 'ls', '--type', 'demo.*', '--url', system.url], { VEXTIR_USER: 'nobody' }),
  ]);
  assert.equal(all.stdout, 'no events for nobody\n', all.stderr);
  assert.equal(typed.stdout, 'no events of type demo.* for nobody\n', typed.stderr);
  await system.settled('somebody', await system.emit('somebody', 'demo.ping', {}));
  const denied = await system.settled('somebody', await system.emit('somebody', 'context.read', { path: '/Notes/x', owner: 'nobody' }));
  await system.settled('somebody', denied.children[0]!);
  const some = await vextir(['events', 'ls', '--url', system.url], { VEXTIR_USER: 'somebody' });
  assert.match(some.stdout, /processed +demo\.ping/);
  assert.match(some.stdout, new RegExp(`denied +context\\.read +${denied.id} emitted=1 by acl: no grant gives user:somebody read access to /Notes/x of nobody`));
  assert.match(some.stdout, /processed +event\.denied/);
  assert.doesNotMatch(some.stdout, /no events/);
});

it('`vextir tail` says whom it follows', async () => {
  const { VEXTIR_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(process.execPath, [...CLI, 'tail', '--url', system.url], { env: { ...inherited, VEXTIR_DATA_DIR: system.dataDir, VEXTIR_USER: 'alice' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no header from tail: ${stderr}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGINT');
  assert.match(stderr, new RegExp(`^following ${system.url}/api/stream as alice \\(VEXTIR_USER\\) \\(Ctrl-C to stop\\)`));
});

it('a refused token: the server says how to get one, the CLI says where its own came from', async () => {
  const [minted, given] = await Promise.all([
    vextir(['events', 'ls', '--url', system.url], { VEXTIR_DATA_DIR: otherDataDir, VEXTIR_USER: 'alice' }),
    vextir(['events', 'ls', '--url', system.url, '--token', 'not-a-token']),
  ]);
  assert.equal(minted.code, 1);
  assert.match(minted.stderr, /^vextir: 401 Unauthenticated: the token signature is invalid; get a local dev token with `npx vextir token <user>`/);
  assert.match(minted.stderr, new RegExp(`the CLI signed a dev token for "alice" \\(VEXTIR_USER\\) with the secret in ${otherDataDir}`));
  assert.match(minted.stderr, /run the CLI in the folder where `vextir start` runs/);
  assert.equal(given.code, 1);
  assert.match(given.stderr, /401 Unauthenticated: the token is malformed; get a local dev token/);
  assert.match(given.stderr, /the token from --token was refused/);
});
