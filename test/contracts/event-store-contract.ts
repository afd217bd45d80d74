/** The EventStore and AuditLog contracts, run against every adapter that implements them. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { AuditLog, EventRecord, EventStore } from '../../src/kernel/index.js';
import { makeAudit, recordOf, unchained } from './fixtures.js';

export interface StoreHarness {
  store: EventStore;
  audit: AuditLog;
  /** May be async: a networked adapter (Cosmos) drops its database here. */
  close(): void | Promise<void>;
}

/** May be async: a networked adapter (Cosmos) creates its database and containers first. */
export type OpenStore = () => StoreHarness | Promise<StoreHarness>;

const ids = (records: EventRecord[]): string[] => records.map((record) => record.id);

export function eventStoreContract(adapter: string, open: OpenStore): void {
  async function withStore(test: (h: StoreHarness) => Promise<void>): Promise<void> {
    const harness = await open();
    try {
      await test(harness);
    } finally {
      await harness.close();
    }
  }

  describe(`EventStore contract: ${adapter}`, () => {
    it('gets what was saved, per user', () =>
      withStore(async ({ store }) => {
        const record = recordOf('alice', 'e1', 'demo.ping', '2026-01-01T00:00:01.000Z');
        assert.equal(await store.get('alice', 'e1'), undefined);
        await store.save(record);
        assert.deepEqual(await store.get('alice', 'e1'), record);
        assert.equal(await store.get('bob', 'e1'), undefined);
        const copy = await store.get('alice', 'e1');
        copy!.children.push('mutated');
        assert.deepEqual(await store.get('alice', 'e1'), record, 'a result is a copy, not the stored record');
        await store.save({ ...record, status: 'failed' });
        assert.equal((await store.get('alice', 'e1'))?.status, 'failed', 'save replaces');
      }));

    it('getMany returns the existing records in the order asked', () =>
      withStore(async ({ store }) => {
        await store.save(recordOf('alice', 'a', 'demo.ping', '2026-01-01T00:00:01.000Z'));
        await store.save(recordOf('alice', 'b', 'demo.ping', '2026-01-01T00:00:02.000Z'));
        await store.save(recordOf('bob', 'c', 'demo.ping', '2026-01-01T00:00:03.000Z'));
        assert.deepEqual(ids(await store.getMany('alice', ['b', 'missing', 'a', 'c'])), ['b', 'a']);
        assert.deepEqual(await store.getMany('alice', []), []);
      }));

    it('insertAccepted inserts new records and never overwrites an existing one', () =>
      withStore(async ({ store }) => {
        await store.save(recordOf('alice', 'done', 'demo.ping', '2026-01-01T00:00:01.000Z', 'processed'));
        await store.insertAccepted([
          recordOf('alice', 'done', 'demo.ping', '2026-01-01T00:00:01.000Z', 'accepted'),
          recordOf('alice', 'new', 'demo.ping', '2026-01-01T00:00:02.000Z', 'accepted'),
        ]);
        assert.equal((await store.get('alice', 'done'))?.status, 'processed');
        assert.equal((await store.get('alice', 'new'))?.status, 'accepted');
        await store.insertAccepted([]);
      }));

    it('lists newest first with type, since, status and limit filters', () =>
      withStore(async ({ store }) => {
        const records = [
          recordOf('alice', 'r1', 'demo.ping', '2026-01-01T00:00:01.000Z'),
          recordOf('alice', 'r2', 'demo.pong.deep', '2026-01-01T00:00:02.000Z', 'failed'),
          recordOf('alice', 'r3', 'demo', '2026-01-01T00:00:03.000Z'),
          recordOf('alice', 'r4', 'demox.ping', '2026-01-01T00:00:04.000Z'),
          recordOf('alice', 'r5', 'axb.c', '2026-01-01T00:00:05.000Z'),
          recordOf('alice', 'r6', 'other.thing', '2026-01-01T00:00:06.000Z'),
          recordOf('bob', 'r7', 'demo.ping', '2026-01-01T00:00:07.000Z'),
        ];
        for (const record of records) await store.save(record);
        const list = async (query: Parameters<EventStore['list']>[1]): Promise<string[]> => ids(await store.list('alice', query));
        assert.deepEqual(await list({ limit: 10 }), ['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
        assert.deepEqual(await list({ limit: 2 }), ['r6', 'r5']);
        assert.deepEqual(await list({ types: ['demo.*'], limit: 10 }), ['r2', 'r1'], 'a prefix matches neither its base nor a look-alike');
        assert.deepEqual(await list({ types: ['demo'], limit: 10 }), ['r3']);
        assert.deepEqual(await list({ types: ['demo.ping', 'other.*'], limit: 10 }), ['r6', 'r1']);
        assert.deepEqual(await list({ types: ['*'], limit: 3 }), ['r6', 'r5', 'r4']);
        assert.deepEqual(await list({ types: ['a_b.*', '%'], limit: 10 }), [], 'SQL wildcards are plain characters');
        assert.deepEqual(await list({ since: new Date('2026-01-01T00:00:05.000Z'), limit: 10 }), ['r6', 'r5'], 'since is inclusive');
        assert.deepEqual(await list({ status: 'failed', limit: 10 }), ['r2']);
        assert.deepEqual(await list({ types: ['demo.*'], status: 'processed', since: new Date('2026-01-01T00:00:00.500Z'), limit: 10 }), ['r1']);
      }));

    it('orders by receivedAt then id, both descending; until is exclusive; before pages on from a position', () =>
      withStore(async ({ store }) => {
        const at = (second: number): string => `2026-01-01T00:00:0${second}.000Z`;
        // Saved out of order, several in one millisecond, another user's in the same one.
        const records = [
          recordOf('alice', 'c', 'demo.ping', at(1)),
          recordOf('alice', 'a', 'demo.ping', at(1)),
          recordOf('alice', 'b', 'other.thing', at(1)),
          recordOf('alice', 'm', 'demo.ping', at(2), 'failed'),
          recordOf('alice', 'x', 'demo.ping', at(3)),
          recordOf('alice', 'z', 'other.thing', at(3)),
          recordOf('alice', 'w', 'demo.ping', at(3)),
          recordOf('alice', 'y', 'demo.ping', at(3)),
          recordOf('bob', 'yy', 'demo.ping', at(3)),
          recordOf('alice', 'q', 'demo.ping', at(4)),
        ];
        for (const record of records) await store.save(record);
        const list = async (query: Parameters<EventStore['list']>[1]): Promise<string[]> => ids(await store.list('alice', query));
        const ALL = ['q', 'z', 'y', 'x', 'w', 'm', 'c', 'b', 'a'];
        assert.deepEqual(await list({ limit: 20 }), ALL);
        assert.deepEqual(await list({ until: new Date(at(3)), limit: 20 }), ['m', 'c', 'b', 'a'], 'until is exclusive');
        assert.deepEqual(await list({ since: new Date(at(2)), until: new Date(at(4)), limit: 20 }), ['z', 'y', 'x', 'w', 'm']);
        assert.deepEqual(await list({ before: { receivedAt: at(3), id: 'y' }, limit: 20 }), ['x', 'w', 'm', 'c', 'b', 'a']);
        assert.deepEqual(await list({ before: { receivedAt: at(3), id: 'y' }, types: ['demo.*'], until: new Date(at(2)), limit: 20 }), ['c', 'a']);
        assert.deepEqual(await list({ before: { receivedAt: at(1), id: 'a' }, limit: 20 }), []);
        assert.deepEqual(await list({ before: { receivedAt: at(9), id: '' }, limit: 2 }), ['q', 'z'], 'a position needs no record of its own');

        // Every page size, with and without filters, cut anywhere inside a millisecond: each
        // record once, in order, also when one is saved again (a new status) between pages.
        async function pages(query: Omit<Parameters<EventStore['list']>[1], 'limit' | 'before'>, size: number): Promise<string[]> {
          const seen: string[] = [];
          let before: EventRecord | undefined;
          for (let page = 0; page < 20; page += 1) {
            const records = await store.list('alice', { ...query, limit: size, ...(before && { before: { receivedAt: before.receivedAt, id: before.id } }) });
            seen.push(...ids(records));
            if (page === 0) await store.save(recordOf('alice', 'x', 'demo.ping', at(3), 'failed'));
            if (records.length < size) return seen;
            before = records.at(-1);
          }
          throw new Error('paging did not end');
        }
        for (const size of [1, 2, 3, 4]) {
          assert.deepEqual(await pages({}, size), ALL, `pages of ${size}`);
          assert.deepEqual(await pages({ types: ['demo.*'] }, size), ['q', 'y', 'x', 'w', 'm', 'c', 'a'], `filtered pages of ${size}`);
          assert.deepEqual(await pages({ since: new Date(at(1)), until: new Date(at(4)), status: 'processed' }, size), ['z', 'y', 'w', 'c', 'b', 'a'], `ranged pages of ${size}`);
        }
      }));

    it('changes: starts at now without a cursor, then returns later writes of this user, oldest first, in pages', () =>
      withStore(async ({ store }) => {
        await store.save(recordOf('alice', 'before', 'demo.ping', '2026-01-01T00:00:01.000Z'));
        const start = await store.changes('alice', undefined, 10);
        assert.deepEqual(start.records, []);
        await store.save(recordOf('alice', 'a', 'demo.ping', '2026-01-01T00:00:02.000Z', 'accepted'));
        await store.save(recordOf('bob', 'b', 'demo.ping', '2026-01-01T00:00:03.000Z'));
        await store.insertAccepted([recordOf('alice', 'c', 'demo.ping', '2026-01-01T00:00:04.000Z', 'accepted')]);
        await store.insertAccepted([recordOf('alice', 'c', 'demo.ping', '2026-01-01T00:00:04.000Z', 'accepted')]);
        const first = await store.changes('alice', start.cursor, 1);
        assert.deepEqual(ids(first.records), ['a']);
        const second = await store.changes('alice', first.cursor, 10);
        assert.deepEqual(ids(second.records), ['c'], 'other users and skipped inserts are not changes');
        const idle = await store.changes('alice', second.cursor, 10);
        assert.deepEqual(idle, { records: [], cursor: second.cursor });
        await store.save(recordOf('alice', 'a', 'demo.ping', '2026-01-01T00:00:02.000Z', 'processed'));
        const updated = await store.changes('alice', idle.cursor, 10);
        assert.deepEqual(updated.records.map((record) => [record.id, record.status]), [['a', 'processed']]);
        assert.deepEqual(ids((await store.changes('bob', start.cursor, 10)).records), ['b']);
      }));
  });

  describe(`AuditLog contract: ${adapter}`, () => {
    it('lists newest first, per user, optionally per event, up to the limit', () =>
      withStore(async ({ audit }) => {
        const e1 = recordOf('alice', 'e1', 'demo.ping', '2026-01-01T00:00:01.000Z');
        const e2 = recordOf('alice', 'e2', 'demo.ping', '2026-01-01T00:00:02.000Z');
        const bobs = recordOf('bob', 'e1', 'demo.ping', '2026-01-01T00:00:03.000Z');
        await audit.append([makeAudit(e1, 1), makeAudit(e2, 1)]);
        await audit.append([makeAudit(bobs, 1), makeAudit(e1, 2)]);
        await audit.append([]);
        const list = async (query: { eventId?: string; limit: number }, user = 'alice'): Promise<string[]> =>
          (await audit.list(user, query)).map((entry) => entry.id);
        assert.deepEqual(await list({ limit: 10 }), ['e1-2', 'e2-1', 'e1-1']);
        assert.deepEqual(await list({ eventId: 'e1', limit: 10 }), ['e1-2', 'e1-1']);
        assert.deepEqual(await list({ eventId: 'e1', limit: 1 }), ['e1-2']);
        assert.deepEqual(await list({ limit: 10 }, 'bob'), ['e1-1']);
        const [entry] = await audit.list('alice', { eventId: 'e2', limit: 1 });
        assert.deepEqual(unchained(entry!), makeAudit(e2, 1));
        entry!.drivers.push('mutated');
        assert.deepEqual(unchained((await audit.list('alice', { eventId: 'e2', limit: 1 }))[0]!), makeAudit(e2, 1), 'a result is a copy');
      }));
  });
}
