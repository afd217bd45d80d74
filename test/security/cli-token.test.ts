/** `vextir token <user> [--admin]`, run as a process exactly as a developer runs it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { DevTokenAuthenticator, loadOrCreateDevSecret } from '../../src/security/index.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vextir-cli-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function token(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [...vextirEntry(), 'token', ...args], {
    env: { PATH: process.env['PATH'] ?? '', VEXTIR_DATA_DIR: dir, ...env },
  });
  return stdout.trim();
}

describe('vextir token', () => {
  it('--admin adds the configured admin role; without it the token carries only the given roles', async () => {
    const [admin, custom, plain] = await Promise.all([
      token(['alice', '--admin']),
      token(['root', '--admin', '--role', 'Reader'], { VEXTIR_ADMIN_ROLE: 'Ops.Admin' }),
      token(['bob', '--role', 'Reader']),
    ]);
    const secret = loadOrCreateDevSecret(dir);
    assert.deepEqual(await new DevTokenAuthenticator(secret).authenticate(admin), { userId: 'alice', roles: ['Vextir.Admin'], admin: true });
    assert.deepEqual(await new DevTokenAuthenticator(secret, { adminRole: 'Ops.Admin' }).authenticate(custom), { userId: 'root', roles: ['Reader', 'Ops.Admin'], admin: true });
    assert.deepEqual(await new DevTokenAuthenticator(secret).authenticate(plain), { userId: 'bob', roles: ['Reader'], admin: false });
  });
});
