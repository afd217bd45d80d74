/**
 * The store contracts against a real Cosmos DB for NoSQL account (or Microsoft's emulator), when
 * one is configured:
 *   COSMOS_ENDPOINT=https://<account>.documents.azure.com:443/
 *   COSMOS_KEY=<key>            optional; without it DefaultAzureCredential is used (az login,
 *                               managed identity), which needs the data-plane role
 *                               "Cosmos DB Built-in Data Contributor" and control-plane rights
 *                               to create and delete databases.
 * Otherwise every test here is skipped with the reason printed.
 *
 * Each test creates its own database (`vextir-test-<time>-<n>`) and deletes it afterwards: on a
 * provisioned-throughput account that is billed for the seconds it exists.
 * Beyond the contracts, this is where TTL expiry is checked, which the protocol server ignores.
 */
import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { openCosmosStore, type OpenCosmosStoreOptions } from '../../src/adapters/azure/cosmos-database.js';
import { CosmosAuditLog } from '../../src/adapters/azure/cosmos-audit-log.js';
import { auditChainContract } from '../contracts/audit-chain-contract.js';
import { contextStoreContract } from '../contracts/context-store-contract.js';
import { eventStoreContract } from '../contracts/event-store-contract.js';
import { stateStoreContract } from '../contracts/state-store-contract.js';
import { makeAudit, recordOf } from '../contracts/fixtures.js';

// Tests read the environment directly: src/config.ts is for the application, this is a test switch.
const endpoint = process.env.COSMOS_ENDPOINT?.trim();
const key = process.env.COSMOS_KEY?.trim();

const skipReason = 'COSMOS_ENDPOINT is not set: set it (and COSMOS_KEY, or sign in for DefaultAzureCredential) to run the Cosmos contracts against a real account';

// Every test is registered either way, so a run without an account reports each one as skipped
// (with the reason in the suite's name). The client is made on first use.
describe.skipIf(!endpoint)(endpoint ? 'Cosmos DB live suite' : `Cosmos DB live suite (skipped: ${skipReason})`, () => {
  let cosmos: CosmosClient | undefined;
  const client = (): CosmosClient =>
    (cosmos ??= key ? new CosmosClient({ endpoint: endpoint!, key }) : new CosmosClient({ endpoint: endpoint!, aadCredentials: new DefaultAzureCredential() }));
  afterAll(() => cosmos?.dispose());
  const run = `vextir-test-${Date.now()}`;
  let databases = 0;
  const open = async (more: Partial<OpenCosmosStoreOptions> = {}) => {
    databases += 1;
    return openCosmosStore({ client: client(), databaseId: `${run}-${databases}`, createIfNotExists: true, ...more });
  };

  eventStoreContract('cosmos (live account)', async () => {
    const { database, store, audit } = await open();
    return { store, audit, close: async () => void (await database.delete()) };
  });

  // What the protocol server cannot prove (c.metadata[@p] in WHERE, code-point string order,
  // real TTL, atomic patch increments across clients) is exercised here by the same suites.
  stateStoreContract('cosmos (live account)', async (clock) => {
    const databaseId = `${run}-${(databases += 1)}`;
    const openState = () => openCosmosStore({ client: client(), databaseId, createIfNotExists: true, now: () => clock.now().getTime() });
    const { database, state } = await openState();
    return { state, sibling: async () => (await openState()).state, close: async () => void (await database.delete()) };
  });

  auditChainContract('cosmos (live account)', async () => {
    const { database, audit } = await open();
    const container = database.container('audit');
    return {
      audit,
      second: () => new CosmosAuditLog(client().database(database.id).container('audit')),
      tamper: async (userId, seq, change) => {
        const item = container.item(`chain-${seq}`, userId);
        const { resource } = await item.read<Record<string, unknown>>();
        assert.ok(resource, `no audit document ${userId}/${seq}`);
        change(resource);
        await item.replace(resource);
      },
      remove: async (userId, seq) => void (await container.item(`chain-${seq}`, userId).delete()),
      close: async () => void (await database.delete()),
    };
  });

  contextStoreContract('cosmos (live account)', async ({ clock, limits }) => {
    const { database, context } = await open({ context: { clock, limits } });
    return { store: context, close: async () => void (await database.delete()) };
  });

  describe('TTL', () => {
    it('records expire after defaultTtl (expired items are not returned even before they are purged)', async () => {
      const { database, store, audit } = await open({ ttlSeconds: { events: 2, audit: 2 } });
      try {
        const record = recordOf('alice', 'e1', 'demo.ping', '2026-01-01T00:00:01.000Z');
        await store.save(record);
        await audit.append([makeAudit(record)]);
        assert.equal((await store.get('alice', 'e1'))?.id, 'e1');
        await sleep(6_000);
        assert.equal(await store.get('alice', 'e1'), undefined);
        assert.deepEqual(await audit.list('alice', { limit: 10 }), []);
      } finally {
        await database.delete();
      }
    });
  });
});
