/**
 * What the Cosmos EventStore and AuditLog promise beyond the shared contract: the save
 * concurrency rule (with real ETags and real 412/409 answers from the protocol server), the
 * stored document shape, parsing on read, cursor validation and parameterized queries.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Container, ItemDefinition } from '@azure/cosmos';
import { CosmosAuditLog } from '../../src/adapters/azure/cosmos-audit-log.js';
import { CosmosEventStore } from '../../src/adapters/azure/cosmos-event-store.js';
import { openCosmosStore, type CosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import { isKernelError, type EventRecord } from '../../src/kernel/index.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { makeAudit, recordOf, unchained } from '../contracts/fixtures.js';

let server: CosmosTestServer;
let databases = 0;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(() => server.close());

async function withStore(test: (opened: CosmosStore & { events: Container }) => Promise<void>): Promise<void> {
  databases += 1;
  const opened = await openCosmosStore({ client: server.client(), databaseId: `store-${databases}`, createIfNotExists: true });
  try {
    await test({ ...opened, events: opened.database.container('events') });
  } finally {
    await opened.database.delete();
  }
}

const record = (status: EventRecord['status'], attempts: number): EventRecord => ({
  ...recordOf('alice', 'e1', 'demo.ping', '2026-01-01T00:00:01.000Z', status),
  attempts,
});

/**
 * The events container, except that the first point read of an item runs `between` after the
 * read answered and before the store can act on it: a real interleaving against the real server.
 */
function interleaved(container: Container, between: () => Promise<void>): { container: Container; reads(): number } {
  let armed = true;
  let reads = 0;
  const proxy = new Proxy(container, {
    get(target, property, receiver) {
      if (property !== 'item') return Reflect.get(target, property, receiver) as unknown;
      return (id: string, partitionKey: string) => {
        const item = target.item(id, partitionKey);
        return new Proxy(item, {
          get(itemTarget, itemProperty, itemReceiver) {
            if (itemProperty !== 'read') return Reflect.get(itemTarget, itemProperty, itemReceiver) as unknown;
            return async () => {
              reads += 1;
              const response = await itemTarget.read<ItemDefinition>();
              if (armed) {
                armed = false;
                await between();
              }
              return response;
            };
          },
        });
      };
    },
  });
  return { container: proxy, reads: () => reads };
}

describe('CosmosEventStore: save concurrency rule', () => {
  it('a final status replaces anything; accepted never replaces a final status or a later attempt', () =>
    withStore(async ({ store }) => {
      await store.save(record('accepted', 1));
      await store.save(record('accepted', 2));
      assert.equal((await store.get('alice', 'e1'))?.attempts, 2, 'accepted from a later attempt replaces');
      await store.save(record('accepted', 1));
      assert.equal((await store.get('alice', 'e1'))?.attempts, 2, 'accepted from an earlier attempt is stale');
      await store.save(record('processed', 2));
      await store.save(record('accepted', 3));
      assert.deepEqual(await store.get('alice', 'e1'), record('processed', 2), 'accepted never replaces a final status');
      await store.save(record('failed', 3));
      assert.equal((await store.get('alice', 'e1'))?.status, 'failed', 'the last final write wins');
    }));

  it('a final write landing between the read and the replace wins (412, judged again)', () =>
    withStore(async ({ events }) => {
      const raw = new CosmosEventStore(events);
      await raw.save(record('accepted', 1));
      const racing = interleaved(events, () => raw.save(record('processed', 1)));
      await new CosmosEventStore(racing.container).save(record('accepted', 2));
      assert.equal(racing.reads(), 2, 'the replace failed on the ETag and the record was read again');
      assert.deepEqual(await raw.get('alice', 'e1'), record('processed', 1));
    }));

  it('an ingest landing between the read and the create is replaced by the processor (409, judged again)', () =>
    withStore(async ({ events }) => {
      const raw = new CosmosEventStore(events);
      const racing = interleaved(events, () => raw.insertAccepted([record('accepted', 0)]));
      await new CosmosEventStore(racing.container).save(record('accepted', 1));
      assert.equal(racing.reads(), 2);
      assert.equal((await raw.get('alice', 'e1'))?.attempts, 1);
    }));
});

describe('CosmosEventStore: documents, queries and cursors', () => {
  it('stores the record plus a changeKey under partition key userId, and strips system fields on read', () =>
    withStore(async ({ store, events }) => {
      const saved = record('processed', 1);
      await store.save(saved);
      const { resource } = await events.item('e1', 'alice').read<ItemDefinition>();
      assert.match(String(resource?.changeKey), /^\d{4}-\d\d-\d\dT[\d:.]+Z#\d{4}\|e1$/);
      assert.ok(resource?._etag && resource._ts, 'Cosmos added its system fields');
      assert.deepEqual(await store.get('alice', 'e1'), saved);
      assert.equal((await events.item('e1', 'bob').read()).statusCode, 404, 'the partition key is the user');
    }));

  it('reports a document that no longer matches the schema as internal, not as data', () =>
    withStore(async ({ store, events }) => {
      await events.items.upsert({ id: 'bad', userId: 'alice', type: 'demo.ping', status: 'exploded', receivedAt: '2026-01-01T00:00:00.000Z', changeKey: '0' });
      await assert.rejects(store.get('alice', 'bad'), (error) => isKernelError(error, 'internal') && /does not match/.test(error.message));
      await assert.rejects(store.list('alice', { limit: 10 }), (error) => isKernelError(error, 'internal'));
    }));

  it('rejects cursors it did not hand out, and a bad limit, as invalid_input', () =>
    withStore(async ({ store }) => {
      for (const cursor of ['', 'nope', "0' OR 1=1 --", '2026-01-01T00:00:00.000Z#0000|', '9'.repeat(300)]) {
        await assert.rejects(store.changes('alice', cursor, 10), (error) => isKernelError(error, 'invalid_input'), cursor);
      }
      await assert.rejects(store.list('alice', { limit: -1 }), (error) => isKernelError(error, 'invalid_input'));
      assert.deepEqual(await store.list('alice', { limit: 0 }), []);
    }));

  it('orders changes by write even within one millisecond, and a fresh user starts at the beginning', () =>
    withStore(async ({ database }) => {
      const store = new CosmosEventStore(database.container('events'), { now: () => Date.parse('2026-01-01T00:00:00.000Z') });
      const start = await store.changes('carol', undefined, 10);
      for (const id of ['z', 'a', 'm']) await store.save(recordOf('carol', id, 'demo.ping', '2026-01-01T00:00:01.000Z'));
      const page = await store.changes('carol', start.cursor, 10);
      assert.deepEqual(page.records.map((r) => r.id), ['z', 'a', 'm']);
    }));

  it('treats type patterns as values, never as query text', () =>
    withStore(async ({ store }) => {
      await store.save(recordOf('alice', 'r1', 'demo.ping', '2026-01-01T00:00:01.000Z'));
      for (const type of ["demo.ping' OR 1=1 --", 'demo.ping")) OR (true', '@userId']) {
        assert.deepEqual(await store.list('alice', { types: [type], limit: 10 }), [], type);
      }
      assert.deepEqual((await store.list('alice', { types: ['demo.ping'], limit: 10 })).map((r) => r.id), ['r1']);
    }));

  it('getMany and insertAccepted handle more ids than one query or one wave of writes', () =>
    withStore(async ({ store }) => {
      const records = Array.from({ length: 300 }, (_, i) => recordOf('alice', `id${i}`, 'demo.ping', '2026-01-01T00:00:01.000Z', 'accepted'));
      await store.insertAccepted(records);
      const asked = [...records.map((r) => r.id)].reverse();
      assert.deepEqual((await store.getMany('alice', [...asked, 'missing', 'id0'])).map((r) => r.id), [...asked, 'id0']);
    }));
});

describe('CosmosAuditLog', () => {
  it('an entry appended twice (a retried append) is kept once, the first copy', () =>
    withStore(async ({ audit, database }) => {
      const entry = makeAudit(record('processed', 1));
      await audit.append([entry]);
      await audit.append([{ ...entry, status: 'failed' }]);
      assert.deepEqual((await audit.list('alice', { limit: 10 })).map(unchained), [entry]);
      // Another instance knows no head for alice: its first append looks the ids up.
      const other = new CosmosAuditLog(database.container('audit'));
      await other.append([entry, { ...entry, id: 'new' }]);
      assert.deepEqual((await audit.list('alice', { limit: 10 })).map((e) => [e.seq, e.id]), [[2, 'new'], [1, entry.id]]);
    }));

  it('lists in append order even when every entry has the same instant', () =>
    withStore(async ({ database }) => {
      const audit = new CosmosAuditLog(database.container('audit'));
      const entries = Array.from({ length: 40 }, (_, i) => ({ ...makeAudit(record('processed', 1)), id: `a${i}` }));
      await audit.append(entries);
      assert.deepEqual((await audit.list('alice', { limit: 100 })).map((e) => e.id), entries.map((e) => e.id).reverse());
    }));
});
