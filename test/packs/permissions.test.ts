/** Permissions: the normal form and its digest, whether a grant covers a manifest, the difference an update shows, and the plain words. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { covers, describeChanges, describePermissions, normalizePermissions, permissionsDifference, permissionsDigest } from '../../src/packs/index.js';

const base = normalizePermissions({ events: { receives: ['weather.request'], emits: ['weather.data'] }, context: { write: ['/Weather'] }, cost: { maxUsdPerDay: 0.5 } });

describe('pack permissions', () => {
  it('one digest for one set, whatever the order or repeats', () => {
    const shuffled = normalizePermissions({ cost: { maxUsdPerDay: 0.5 }, context: { write: ['/Weather', '/Weather'] }, events: { emits: ['weather.data'], receives: ['weather.request'] } });
    assert.equal(permissionsDigest(shuffled), permissionsDigest(base));
    assert.match(permissionsDigest(base), /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(permissionsDigest(normalizePermissions({ ...base, models: ['gpt-4o'] })), permissionsDigest(base));
  });

  it('a grant covers a manifest that asks for the same or less, not more', () => {
    const less = normalizePermissions({ events: { receives: ['weather.request'] }, cost: { maxUsdPerDay: 0.1 } });
    assert.ok(covers(base, base));
    assert.ok(covers(base, less));
    assert.ok(!covers(base, normalizePermissions({ ...base, network: { hosts: ['api.open-meteo.com'] } })));
    assert.ok(!covers(base, normalizePermissions({ ...base, runtime: { childProcesses: true } })));
    assert.ok(!covers(base, normalizePermissions({ ...base, cost: { maxUsdPerDay: 2 } })), 'a higher ceiling');
    const { cost: _cost, ...uncapped } = base;
    assert.ok(!covers(base, normalizePermissions(uncapped)), 'no ceiling at all is more');
  });

  it('the difference: added and removed per list, runtime flags and the ceiling', () => {
    const next = normalizePermissions({
      events: { receives: ['weather.request', 'weather.forecast'], emits: [] },
      context: { write: ['/Weather'] },
      network: { hosts: ['api.open-meteo.com'] },
      runtime: { workers: true },
      cost: { maxUsdPerDay: 1 },
    });
    const difference = permissionsDifference(base, next);
    assert.deepEqual(difference.added, { lists: { 'events.receives': ['weather.forecast'], 'network.hosts': ['api.open-meteo.com'] }, runtime: ['workers'], cost: { from: 0.5, to: 1 } });
    assert.deepEqual(difference.removed, { lists: { 'events.emits': ['weather.data'] }, runtime: [] });
    assert.deepEqual(describeChanges(difference.added, '+'), [
      '+ handle these events of yours: weather.forecast',
      '+ send data outside this system to: api.open-meteo.com',
      '+ start worker threads',
      '+ spending ceiling: $0.50 a day -> $1.00 a day',
    ]);
  });

  it('says in plain words what a pack may do', () => {
    assert.deepEqual(describePermissions(base), [
      'handle these events of yours: weather.request',
      'emit these events: weather.data',
      'write your Context Hub under: /Weather',
      'send nothing outside this system',
      'spend at most $0.50 a day',
    ]);
  });
});
