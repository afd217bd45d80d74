/**
 * The EventStore and AuditLog contracts against the Cosmos adapters, through the real
 * @azure/cosmos SDK and a Cosmos protocol server on loopback. Each test gets a fresh database.
 *
 * What passing here does not prove (the protocol server cannot): TTL expiry (ignored), that the
 * indexing policy is accepted or serves these queries at a good RU cost on real Cosmos, and
 * anything about throttling (it never answers 429). test/azure/live-cosmos.test.ts runs the same
 * contracts against a real account when COSMOS_ENDPOINT is set.
 */
import { after, before } from 'node:test';
import { openCosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { eventStoreContract } from './event-store-contract.js';

let server: CosmosTestServer;
let databases = 0;

before(async () => {
  server = await startCosmosServer();
});
after(async () => {
  await server.close();
});

eventStoreContract('cosmos (protocol server)', async () => {
  databases += 1;
  const { database, store, audit } = await openCosmosStore({ client: server.client(), databaseId: `contract-${databases}`, createIfNotExists: true });
  return { store, audit, close: async () => void (await database.delete()) };
});
