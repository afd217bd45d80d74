/**
 * Skill packs over HTTP on the embedded host, as users add them: from a folder (admins only) and
 * from an npm registry served on loopback (integrity checked, a tampered tarball refused), with
 * consent required before anything is installed, an update that asks for more needing consent
 * again, and removal taking out what the pack brought while the user's data stays.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startTestRegistry, type TestRegistry } from '../helpers/npm-registry.js';

const NOTES_1 = resolve('test/fixtures/packs/notes-1.0.0');
const NOTES_2 = resolve('test/fixtures/packs/notes-1.1.0');

let system: TestSystem;
let registry: TestRegistry;
beforeAll(async () => {
  registry = await startTestRegistry();
  await registry.publish(NOTES_1, { name: 'vextir-pack-notes', version: '1.0.0', description: 'Files each note under /Notes' });
  await registry.publish(NOTES_1, { name: 'tampered-notes', version: '1.0.0' });
  registry.tamper('tampered-notes', '1.0.0');
  system = await startTestSystem({ env: { VEXTIR_PACK_REGISTRY: registry.url } });
});
afterAll(async () => {
  await system.stop();
  await registry.close();
});

async function call(user: string, method: string, path: string, body?: unknown, admin = false): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await system.request(user, method, path, { ...(body !== undefined && { body }), admin });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

type Consent = { digest: string; summary: string[]; permissions: unknown; difference?: { added: { lists: Record<string, string[]> }; summary: string[] } };

describe('skill packs over HTTP', () => {
  it('a non-admin may not install from a server folder nor grant globally', async () => {
    const folder = await call('nora', 'POST', '/api/packs', { source: NOTES_1 });
    assert.equal(folder.status, 403);
    assert.match(String(folder.body['detail']), /admin role/);
    const global = await call('nora', 'POST', '/api/packs', { source: 'vextir-pack-notes', global: true });
    assert.equal(global.status, 403);
  });

  it('refuses a request naming the bad field', async () => {
    const bad = await call('nora', 'POST', '/api/packs', { source: 'notes', grant: { digest: 'nope' } });
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.body['errors'] as Array<{ pointer: string }>).map((error) => error.pointer), ['/grant/digest']);
    const unknown = await call('nora', 'POST', '/api/packs', { source: 'Not A Name!' });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body['errors'] as Array<{ field: string }>)[0]?.field, 'source');
  });

  it('a tampered tarball is refused for its integrity, and nothing is installed', async () => {
    const tampered = await call('nora', 'POST', '/api/packs', { source: 'tampered-notes@1.0.0' });
    assert.equal(tampered.status, 409);
    assert.match(String(tampered.body['detail']), /integrity/);
    assert.deepEqual((await call('nora', 'GET', '/api/packs')).body['packs'], []);
  });

  it('from the registry: consent first (428, nothing installed), then installed with the digest', async () => {
    const asked = await call('nora', 'POST', '/api/packs', { source: 'vextir-pack-notes', version: '^1.0.0' });
    assert.equal(asked.status, 428);
    const consent = asked.body['consent'] as Consent;
    assert.match(consent.digest, /^sha256:[0-9a-f]{64}$/);
    assert.ok(consent.summary.includes('write your Context Hub under: /Notes'), consent.summary.join('\n'));
    assert.ok(consent.summary.includes('send nothing outside this system'));
    assert.deepEqual((await call('nora', 'GET', '/api/packs')).body['packs'], []);
    assert.equal((await call('nora', 'GET', '/api/agents/notes-summarizer')).status, 404);

    const added = await call('nora', 'POST', '/api/packs', { source: 'vextir-pack-notes', version: '^1.0.0', grant: { digest: consent.digest } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body['version'], '1.0.0');
    assert.match(String(added.body['integrity']), /^sha512-/);
    assert.deepEqual(added.body['grant'], { state: 'granted', scope: 'user', version: '1.0.0', grantedAt: (added.body['grant'] as { grantedAt: string }).grantedAt, grantedBy: 'nora' });
    assert.deepEqual((added.body['yours'] as { items: unknown }).items, { agents: [], instructions: ['notes_file'], apps: ['notes'], policies: ['notes-log-adds'] });
    assert.deepEqual(added.body['drivers'], []);

    // Its agent runs as a driver of its own, for users whose grant is in force only.
    const asked1 = await system.settled('nora', await system.emit('nora', 'notes.summarize', { text: 'x' }));
    assert.ok(asked1.drivers.some((run) => run.driver === 'notes-summarizer'), JSON.stringify(asked1.drivers));
    const asked2 = await system.settled('olaf', await system.emit('olaf', 'notes.summarize', { text: 'x' }));
    assert.ok(!asked2.drivers.some((run) => run.driver === 'notes-summarizer'), JSON.stringify(asked2.drivers));
    assert.equal((await call('nora', 'GET', '/api/agents/notes-summarizer')).status, 404, 'not one of her own agents');

    // The rest is the user's now: the instruction (its trigger armed), the app, the policy.
    assert.equal((await call('nora', 'GET', '/api/ui-apps/notes')).status, 200);
    const policies = (await call('nora', 'GET', '/api/policies?scope=user')).body['policies'] as Array<{ id: string }>;
    assert.deepEqual(policies.map((policy) => policy.id), ['notes-log-adds']);
    const note = await system.emit('nora', 'notes.add', { text: 'buy milk' });
    const plan = await waitFor(async () => ((await call('nora', 'GET', '/api/plans?instruction=notes_file')).body['plans'] as unknown[]).length > 0);
    assert.ok(plan);
    await waitFor(async () => (await call('nora', 'GET', `/api/context/Notes/${note}`)).status === 200);

    // Another user sees it installed, not granted to them, and nothing of it in their space.
    const other = (await call('olaf', 'GET', '/api/packs/notes')).body;
    assert.deepEqual(other['grant'], { state: 'none' });
    assert.equal(other['yours'], undefined);
    assert.equal((await call('olaf', 'GET', '/api/agents/notes-summarizer')).status, 404);
  });

  it('an update that asks for more needs consent again and shows the difference', async () => {
    await registry.publish(NOTES_2, { name: 'vextir-pack-notes', version: '1.1.0' });
    const asked = await call('nora', 'POST', '/api/packs/notes/update', {});
    assert.equal(asked.status, 428);
    const consent = asked.body['consent'] as Consent;
    assert.deepEqual(consent.difference?.added.lists, { 'network.hosts': ['api.example.com'], models: ['gpt-4o'] });
    assert.ok(consent.difference?.summary.includes('+ send data outside this system to: api.example.com'), consent.difference?.summary.join('\n'));
    assert.equal((await call('nora', 'GET', '/api/packs/notes')).body['version'], '1.0.0', 'nothing changed without consent');

    const updated = await call('nora', 'POST', '/api/packs/notes/update', { grant: { permissions: consent.permissions } });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body['version'], '1.1.0');
    assert.equal((updated.body['grant'] as { state: string }).state, 'granted');
  });

  it('an admin installs from a folder; the lock records the folder and its integrity', async () => {
    const asked = await call('ada', 'POST', '/api/packs', { source: NOTES_1 }, true);
    // The name is taken by the registry's version: adding it again from elsewhere is a conflict.
    assert.equal(asked.status, 409);
    assert.match(String(asked.body['detail']), /use update/);
  });

  it('removal takes out what the pack brought and keeps the user data', async () => {
    const removed = await call('nora', 'DELETE', '/api/packs/notes');
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body['removed'], { agents: [], instructions: ['notes_file'], apps: ['notes'], policies: ['notes-log-adds'] });
    const after = await system.settled('nora', await system.emit('nora', 'notes.summarize', { text: 'y' }));
    assert.ok(!after.drivers.some((run) => run.driver === 'notes-summarizer'), 'its agent no longer runs for her');
    assert.equal((await call('nora', 'GET', '/api/instructions/notes_file')).status, 404);
    assert.equal((await call('nora', 'GET', '/api/ui-apps/notes')).status, 404);
    assert.deepEqual((await call('nora', 'GET', '/api/policies?scope=user')).body['policies'], []);
    // The notes it filed, the events and the plans already run are the user's and stay.
    const notes = (await call('nora', 'GET', '/api/context?prefix=/Notes')).body;
    assert.ok(JSON.stringify(notes).includes('/Notes/'), JSON.stringify(notes));
    assert.ok(((await call('nora', 'GET', '/api/plans?instruction=notes_file')).body['plans'] as unknown[]).length > 0);
    assert.equal(((await call('nora', 'GET', '/api/packs/notes')).body['grant'] as { state: string }).state, 'none');

    // A user cannot uninstall it for everyone; an admin can, and the lock and files go.
    assert.equal((await call('nora', 'DELETE', '/api/packs/notes?global=true')).status, 403);
    const uninstalled = await call('ada', 'DELETE', '/api/packs/notes?global=true', undefined, true);
    assert.equal(uninstalled.status, 200);
    assert.equal(uninstalled.body['uninstalled'], true);
    assert.equal((await call('nora', 'GET', '/api/packs/notes')).status, 404);
  });

  it('an admin installs from a folder for everyone; a user then adds it without consent of their own', async () => {
    const asked = await call('ada', 'POST', '/api/packs', { source: NOTES_1, global: true }, true);
    assert.equal(asked.status, 428);
    const digest = (asked.body['consent'] as Consent).digest;
    const added = await call('ada', 'POST', '/api/packs', { source: NOTES_1, global: true, grant: { digest } }, true);
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body['source'], NOTES_1);
    assert.ok(existsSync(join(system.dataDir, 'packs', 'notes', '1.0.0', 'vextir-pack.yaml')));
    const global = (await call('ada', 'GET', '/api/policies?scope=global', undefined, true)).body['policies'] as Array<{ id: string }>;
    assert.ok(global.some((policy) => policy.id === 'notes-log-adds'));
    const view = (await call('olaf', 'GET', '/api/packs/notes')).body;
    assert.deepEqual([(view['grant'] as { state: string; scope: string }).state, (view['grant'] as { scope: string }).scope], ['granted', 'global']);
    // Olaf's own copy of its agents, instructions and apps: the global grant covers it.
    assert.equal((await call('olaf', 'POST', '/api/packs', { source: NOTES_1 })).status, 403, 'a folder still needs an admin');
    const mine = await call('olaf', 'POST', '/api/packs', { source: 'notes' });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual((mine.body['yours'] as { items: { instructions: string[] } }).items.instructions, ['notes_file']);
    assert.equal((await call('olaf', 'GET', '/api/instructions/notes_file')).status, 200);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return true;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error('timed out');
}
