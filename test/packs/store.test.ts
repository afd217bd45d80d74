/** The lock and grants in the store, and the directory the event path reads: which pack an id is, what is in force for a user. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { localCacheGeneration } from '../../src/kernel/index.js';
import { normalizePermissions, PackDirectory, PackStore, permissionsDigest, type LockEntry, type PackGrant } from '../../src/packs/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';

const permissions = normalizePermissions({ events: { receives: ['weather.request'], emits: ['weather.data'] } });
const lock = (version: string, asked = permissions): LockEntry => ({
  name: 'weather',
  version,
  source: { kind: 'npm', spec: `weather@${version}`, name: 'weather' },
  resolved: `http://registry.test/weather/-/weather-${version}.tgz`,
  integrity: `sha512-${version}`,
  manifest: { name: 'weather', version, description: 'd', author: 'a', vextir: '>=0.1.0', contents: { drivers: [{ module: './driver.js' }], agents: [], instructions: [], apps: [], policies: [], mcp_servers: [] }, permissions: asked },
  drivers: [{ id: 'weather', capabilities: ['weather.request'], module: './driver.js' }],
  agents: [{ id: 'weather-bot', capabilities: ['weather.ask'], file: 'bot.yaml' }],
  provides: { agents: ['weather-bot'], instructions: [], apps: [], policies: [], mcp_servers: [] },
  installedBy: 'ada',
  installedAt: '2025-06-15T00:00:00.000Z',
  updatedAt: '2025-06-15T00:00:00.000Z',
});
const grant = (scope: 'user' | 'global', granted = permissions): PackGrant => ({ pack: 'weather', scope, version: '1.0.0', permissions: granted, digest: permissionsDigest(granted), grantedBy: 'ada', grantedAt: '2025-06-15T00:00:00.000Z' });

describe('the pack lock and grants', () => {
  it('keeps the lock, grants per user and global, and who has the contents', async () => {
    const store = new PackStore(new MemoryStateStore());
    await store.putLock(lock('1.0.0'));
    assert.equal((await store.lock('weather'))?.version, '1.0.0');
    assert.deepEqual((await store.locks()).map((entry) => entry.name), ['weather']);
    await store.putGrant({ kind: 'user', userId: 'kim' }, grant('user'));
    assert.equal((await store.grant({ kind: 'user', userId: 'kim' }, 'weather'))?.digest, permissionsDigest(permissions));
    assert.equal(await store.grant({ kind: 'global' }, 'weather'), undefined);
    await store.putInstall({ kind: 'user', userId: 'kim' }, { pack: 'weather', version: '1.0.0', installedAt: 'now', items: { agents: ['weather-bot'], instructions: [], apps: [], policies: [] } });
    assert.deepEqual(await store.users('weather'), ['kim']);
    await store.deleteInstall({ kind: 'user', userId: 'kim' }, 'weather');
    assert.deepEqual(await store.users('weather'), []);
  });

  it('the directory: ids to packs, and permissions only while a grant covers the installed version', async () => {
    const clock = new TestClock();
    const generation = localCacheGeneration();
    const store = new PackStore(new MemoryStateStore({ clock }));
    const directory = new PackDirectory(store, clock, { generation, cacheMs: 60_000 });
    await store.putLock(lock('1.0.0'));
    assert.equal(await directory.packOf('weather'), 'weather');
    assert.equal(await directory.packOf('weather-bot'), 'weather');
    assert.equal(await directory.packOf('ping'), undefined);
    assert.equal(await directory.permissionsFor('kim', 'weather'), undefined, 'no grant: nothing');
    await store.putGrant({ kind: 'user', userId: 'kim' }, grant('user'));
    generation.advance();
    assert.deepEqual(await directory.permissionsFor('kim', 'weather'), permissions);
    assert.equal(await directory.permissionsFor('lea', 'weather'), undefined);
    await store.putGrant({ kind: 'global' }, grant('global'));
    generation.advance();
    assert.deepEqual(await directory.permissionsFor('lea', 'weather'), permissions, 'the global grant covers everyone');

    // An update that asks for more: no grant covers it, so nothing is in force until consent.
    await store.putLock(lock('1.1.0', normalizePermissions({ ...permissions, network: { hosts: ['api.example.com'] } })));
    generation.advance();
    assert.equal(await directory.permissionsFor('kim', 'weather'), undefined);
    assert.equal(await directory.permissionsFor('lea', 'weather'), undefined);
  });
});
