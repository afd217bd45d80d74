/**
 * What the StateStore contract cannot see of the Cosmos adapter: the `state` container's
 * definition, the document layout (ids Cosmos accepts for any key, `expiresAt` and `ttl`), and
 * refusing a corrupted document. Against the protocol server, which stores `defaultTtl` and
 * `ttl` but never expires anything: that documents really disappear is for a real account.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ContainerDefinition } from '@azure/cosmos';
import { openCosmosStore, type CosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import { stateDocumentId } from '../../src/adapters/azure/cosmos-state-documents.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { ODD_KEYS, rejectsWith } from './state-store-contract.js';

let server: CosmosTestServer;
let databases = 0;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

async function open(clock: TestClock): Promise<CosmosStore> {
  databases += 1;
  return openCosmosStore({ client: server.client(), databaseId: `state-doc-${databases}`, createIfNotExists: true, now: () => clock.now().getTime() });
}

describe('CosmosStateStore documents', () => {
  it('creates the state container partitioned by /userId, TTL on per item, values not indexed', async () => {
    const { database } = await open(new TestClock());
    const definition: ContainerDefinition = (await database.container('state').read()).resource!;
    assert.deepEqual(definition.partitionKey?.paths, ['/userId']);
    assert.equal(definition.defaultTtl, -1, 'per-item ttl only works with TTL on');
    assert.ok(definition.indexingPolicy?.excludedPaths?.some((path) => path.path === '/value/*'));
    await database.delete();
  });

  it('gives every key an id Cosmos accepts: reversible when short, a digest when long, never colliding', () => {
    const ids = ODD_KEYS.map((key) => stateDocumentId('odd', key));
    for (const id of ids) {
      assert.match(id, /^odd[:~][A-Za-z0-9_-]+$/, 'no / \\ ? # or anything else Cosmos minds');
      assert.ok(id.length <= 255);
    }
    assert.equal(new Set(ids).size, ODD_KEYS.length);
    const short = stateDocumentId('odd', 'a/b?c#d');
    assert.equal(Buffer.from(short.slice('odd:'.length), 'base64url').toString('utf8'), 'a/b?c#d');
    assert.match(stateDocumentId('odd', 'x'.repeat(2000)), /^odd~[A-Za-z0-9_-]{43}$/);
  });

  it('stores the raw key, expiresAt and a ttl counted from each write', async () => {
    const clock = new TestClock(new Date('2026-11-24T22:57:00.000Z'));
    const { database, state } = await open(clock);
    const expiresAt = new Date('2026-11-25T00:57:00.000Z');
    await state.increment('alice', 'usage', 'm:2026-11-24T22:57', { events: 1 }, { expiresAt });
    const raw = async (): Promise<Record<string, unknown>> =>
      (await database.container('state').item(stateDocumentId('usage', 'm:2026-11-24T22:57'), 'alice').read<Record<string, unknown>>()).resource!;
    const first = await raw();
    assert.equal(first.userId, 'alice');
    assert.equal(first.key, 'm:2026-11-24T22:57');
    assert.equal(first.expiresAt, expiresAt.getTime());
    assert.equal(first.ttl, 2 * 60 * 60);
    clock.advance(30 * 60_000);
    await state.increment('alice', 'usage', 'm:2026-11-24T22:57', { events: 1 });
    const second = await raw();
    assert.deepEqual(second.value, { events: 2 });
    assert.equal(second.expiresAt, expiresAt.getTime(), 'kept');
    assert.equal(second.ttl, 90 * 60, 'Cosmos counts ttl from the last write, so each write sets what is left');
    await database.delete();
  });

  it('reports a document that is not a state item as internal, not as data', async () => {
    const { database, state } = await open(new TestClock());
    await database.container('state').items.create({ id: stateDocumentId('policy', 'p'), userId: 'alice', kind: 'policy', key: 'p' });
    await assert.rejects(state.get('alice', 'policy', 'p'), rejectsWith('internal'));
    await database.container('state').items.create({ id: stateDocumentId('policy', 'q'), userId: 'alice', kind: 'policy', key: 'not q', value: 1, updatedAt: 'x' });
    await assert.rejects(state.get('alice', 'policy', 'q'), rejectsWith('internal'));
    await database.delete();
  });
});
