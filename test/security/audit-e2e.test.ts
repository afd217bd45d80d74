/**
 * The audit chain from the outside: the real host (`vextir start`) processes a few events, and
 * `vextir audit verify` (a separate process, over HTTP, verifying on the client) says intact.
 * Then the host is stopped, one audit row is edited in the SQLite file as an intruder with
 * access to the disk would, the host is started again, and verify exits 1 naming that entry.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import Database from 'better-sqlite3';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { freePort, startHostProcess, type HostProcess } from '../helpers/local-host-process.js';
import { runVextir, type CliResult } from '../helpers/cli.js';

const USER = 'auditor';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-audit-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** `vextir <args>` as a user runs it; the CLI mints its own dev token from the data folder. */
function vextir(host: HostProcess, args: string[]): Promise<CliResult> {
  return runVextir(args, { url: host.url, dataDir, user: USER });
}

async function stop(host: HostProcess): Promise<void> {
  host.child.kill('SIGTERM');
  await host.exited;
}

async function processed(host: HostProcess, token: string, id: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${host.url}/api/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const record = (await response.json()) as { status?: string };
    if (record.status !== undefined && record.status !== 'accepted') return;
    await new Promise((done) => setTimeout(done, 100));
  }
  assert.fail(`event ${id} was not processed within 30 s`);
}

it('verify says intact, and after one audit row is edited on disk, exits 1 naming it', async () => {
  const port = await freePort();
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), USER);
  let host = await startHostProcess(dataDir, port);
  try {
    for (const id of ['audit-1', 'audit-2', 'audit-3']) {
      const response = await fetch(`${host.url}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, type: 'audit.test', data: { id } }),
      });
      assert.equal(response.status, 202, await response.text());
      await processed(host, token, id);
    }
    const intact = await vextir(host, ['audit', 'verify']);
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(intact.stdout, new RegExp(`^audit chain of ${USER}: [3-9]\\d* entries, intact \\(head \\d+ [0-9a-f]{16}\\)`, 'm'));
    const listed = await vextir(host, ['audit', 'ls']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /audit\.test audit-2/);
  } finally {
    await stop(host);
  }

  // The intruder: a plausible edit of the second entry, straight in the database file.
  const db = new Database(join(dataDir, 'vextir.db'));
  let editedId: string;
  try {
    const row = db.prepare<[string], { entry: string }>('SELECT entry FROM audit_entries WHERE user_id = ? AND chain_seq = 2').get(USER);
    assert.ok(row, 'the second audit entry is on disk');
    const entry = JSON.parse(row.entry) as { id: string; status?: string };
    editedId = entry.id;
    entry.status = entry.status === 'failed' ? 'processed' : 'failed';
    db.prepare('UPDATE audit_entries SET entry = ? WHERE user_id = ? AND chain_seq = 2').run(JSON.stringify(entry), USER);
  } finally {
    db.close();
  }

  host = await startHostProcess(dataDir, port);
  try {
    const broken = await vextir(host, ['audit', 'verify']);
    assert.equal(broken.code, 1, broken.stdout);
    assert.match(broken.stdout, new RegExp(`audit chain of ${USER}: BROKEN after 1 intact entries`));
    assert.match(broken.stderr, new RegExp(`audit entry ${editedId} \\(seq 2\\) fails verification: hash mismatch`));
  } finally {
    await stop(host);
  }
});
