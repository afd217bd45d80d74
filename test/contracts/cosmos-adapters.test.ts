/**
 * The EventStore, AuditLog and audit chain contracts against the Cosmos adapters, through the real
 * @azure/cosmos SDK and a Cosmos protocol server on loopback. Each test gets a fresh database.
 *
 * What passing here does not prove (the protocol server cannot): TTL expiry (ignored), that the
 * indexing policy is accepted or serves these queries at a good RU cost on real Cosmos, and
 * anything about throttling (it never answers 429). test/azure/live-cosmos.test.ts runs the same
 * contracts against a real account when COSMOS_ENDPOINT is set.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll } from 'vitest';
import { CosmosAuditLog } from '../../src/adapters/azure/cosmos-audit-log.js';
import { openCosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { auditChainContract } from './audit-chain-contract.js';
import { contextStoreContract } from './context-store-contract.js';
import { eventStoreContract } from './event-store-contract.js';
import { stateStoreContract } from './state-store-contract.js';

let server: CosmosTestServer;
let databases = 0;

beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(async () => {
  await server.close();
});

eventStoreContract('cosmos (protocol server)', async () => {
  databases += 1;
  const { database, store, audit } = await openCosmosStore({ client: server.client(), databaseId: `contract-${databases}`, createIfNotExists: true });
  return { store, audit, close: async () => void (await database.delete()) };
});

// The sibling is a second client (and store instance) on the same database.
stateStoreContract('cosmos (protocol server)', async (clock) => {
  const databaseId = `state-${(databases += 1)}`;
  const open = () => openCosmosStore({ client: server.client(), databaseId, createIfNotExists: true, now: () => clock.now().getTime() });
  const { database, state } = await open();
  return { state, sibling: async () => (await open()).state, close: async () => void (await database.delete()) };
});

auditChainContract('cosmos (protocol server)', async () => {
  databases += 1;
  const { database, audit } = await openCosmosStore({ client: server.client(), databaseId: `chain-${databases}`, createIfNotExists: true });
  const container = database.container('audit');
  return {
    audit,
    // Another instance (its own client and head cache) on the same container, as another host would.
    second: () => new CosmosAuditLog(server.client().database(database.id).container('audit')),
    tamper: async (userId, seq, change) => {
      const item = container.item(`chain-${seq}`, userId);
      const { resource } = await item.read<Record<string, unknown>>();
      assert.ok(resource, `no audit document ${userId}/${seq}`);
      change(resource);
      await item.replace(resource);
    },
    remove: async (userId, seq) => {
      await container.item(`chain-${seq}`, userId).delete();
    },
    close: async () => void (await database.delete()),
  };
});

// No capability flags: search ranks (bm25 computed in the adapter) and gives snippets here too.
contextStoreContract('cosmos (protocol server)', async ({ clock, limits }) => {
  databases += 1;
  const { database, context } = await openCosmosStore({ client: server.client(), databaseId: `context-${databases}`, createIfNotExists: true, context: { clock, limits } });
  return { store: context, close: async () => void (await database.delete()) };
});
