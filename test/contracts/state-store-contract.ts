/**
 * The StateStore contract, run against every adapter (memory, SQLite, Cosmos protocol server).
 * Reads, writes, ETags, listing and odd keys here; increments and expiry in
 * state-store-contract-counters.ts.
 *
 * Expiry is driven by the harness's TestClock, which the store under test reads. On Cosmos the
 * protocol server ignores TTL entirely, so what passes there is the adapter's own filtering of
 * expired documents on read, not Cosmos deleting them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError, type KernelErrorCode, type StateItem, type StateStore } from '../../src/kernel/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { stateCounterContract } from './state-store-contract-counters.js';

export interface StateHarness {
  state: StateStore;
  /** Another store over the same storage (a second SQLite connection, a second Cosmos client), if the adapter has one. */
  sibling?: () => StateStore | Promise<StateStore>;
  close(): void | Promise<void>;
}

/** `clock` is what the store must read for expiry and `updatedAt`. */
export type OpenState = (clock: TestClock) => StateHarness | Promise<StateHarness>;

export type WithState = (test: (harness: StateHarness, clock: TestClock) => Promise<void>) => Promise<void>;

export function rejectsWith(code: KernelErrorCode): (error: unknown) => boolean {
  return (error) => isKernelError(error, code);
}

export const keysOf = (items: StateItem[]): string[] => items.map((item) => item.key);

/** Keys with every character Cosmos forbids in ids, URL specials, whitespace and non-ASCII. */
export const ODD_KEYS = ['a/b', 'a\\b', 'a?b', 'a#b', 'a%2Fb', 'a%b', 'a b', 'line\nbreak', 'tab\tend ', 'é/ü', '日本語', '😀 emoji', '/', '..', 'x'.repeat(2000)];

export function stateStoreContract(adapter: string, open: OpenState): void {
  const withState: WithState = async (test) => {
    const clock = new TestClock(new Date('2026-11-24T22:57:30.000Z'));
    const harness = await open(clock);
    try {
      await test(harness, clock);
    } finally {
      await harness.close();
    }
  };

  describe(`StateStore contract: ${adapter}`, () => {
    it('gets what was put, with its address, an ETag and the write time', () =>
      withState(async ({ state }, clock) => {
        assert.equal(await state.get('alice', 'policy', 'p1'), undefined);
        const written = await state.put('alice', 'policy', 'p1', { rules: ['a'], on: true });
        assert.deepEqual({ ...written, etag: '' }, { partition: 'alice', kind: 'policy', key: 'p1', value: { rules: ['a'], on: true }, etag: '', updatedAt: clock.now().toISOString() });
        assert.ok(written.etag.length > 0);
        assert.deepEqual(await state.get('alice', 'policy', 'p1'), written);
        const copy = await state.get('alice', 'policy', 'p1');
        (copy!.value as { rules: string[] }).rules.push('mutated');
        assert.deepEqual((await state.get('alice', 'policy', 'p1'))?.value, { rules: ['a'], on: true }, 'a result is a copy');
      }));

    it('round-trips any JSON value exactly', () =>
      withState(async ({ state }) => {
        const values: unknown[] = [
          { nested: { deep: [1, { x: null }], empty: {}, list: [] }, unicode: 'é😀\n"\\', n: -1.5e-7 },
          [1, 'two', false, null, [3]],
          'just a string',
          '',
          0,
          -42.125,
          Number.MAX_SAFE_INTEGER,
          true,
          null,
        ];
        for (const [index, value] of values.entries()) {
          await state.put('alice', 'json', `v${index}`, value);
          assert.deepEqual((await state.get('alice', 'json', `v${index}`))?.value, value, JSON.stringify(value));
        }
        const listed = await state.list('alice', 'json', { limit: 100 });
        assert.deepEqual(listed.map((item) => item.value), values);
      }));

    it('keeps partitions and kinds apart: the same kind and key are different items', () =>
      withState(async ({ state }) => {
        await state.put('alice', 'grant', 'k', 'alice-grant');
        await state.put('bob', 'grant', 'k', 'bob-grant');
        await state.put('_global', 'grant', 'k', 'global-grant');
        await state.put('alice', 'approval', 'k', 'alice-approval');
        assert.equal((await state.get('alice', 'grant', 'k'))?.value, 'alice-grant');
        assert.equal((await state.get('bob', 'grant', 'k'))?.value, 'bob-grant');
        assert.equal((await state.get('_global', 'grant', 'k'))?.value, 'global-grant');
        assert.equal((await state.get('alice', 'approval', 'k'))?.value, 'alice-approval');
        assert.equal(await state.delete('bob', 'grant', 'k'), true);
        assert.equal((await state.get('alice', 'grant', 'k'))?.value, 'alice-grant');
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { limit: 10 })), ['k']);
        assert.deepEqual(keysOf(await state.getMany('carol', 'grant', ['k'])), []);
      }));

    it('changes the ETag on every write and enforces ifMatch and ifNoneMatch', () =>
      withState(async ({ state }) => {
        const created = await state.put('alice', 'policy', 'p', { v: 1 }, { ifNoneMatch: '*' });
        await assert.rejects(state.put('alice', 'policy', 'p', { v: 2 }, { ifNoneMatch: '*' }), rejectsWith('precondition_failed'), 'ifNoneMatch on an existing item');
        const same = await state.put('alice', 'policy', 'p', { v: 1 });
        assert.notEqual(same.etag, created.etag, 'the same value written again still gets a new ETag');
        await assert.rejects(state.put('alice', 'policy', 'p', { v: 3 }, { ifMatch: created.etag }), rejectsWith('precondition_failed'), 'stale ifMatch');
        assert.deepEqual((await state.get('alice', 'policy', 'p'))?.value, { v: 1 }, 'a refused write changes nothing');
        const updated = await state.put('alice', 'policy', 'p', { v: 4 }, { ifMatch: same.etag });
        assert.notEqual(updated.etag, same.etag);
        assert.equal((await state.get('alice', 'policy', 'p'))?.etag, updated.etag);
        // Decided: ifMatch on an item that does not exist fails like a stale one (HTTP If-Match
        // semantics; Cosmos answers a conditional replace of a missing document with 404).
        await assert.rejects(state.put('alice', 'policy', 'missing', 1, { ifMatch: updated.etag }), rejectsWith('precondition_failed'));
        assert.equal(await state.get('alice', 'policy', 'missing'), undefined);
        await state.increment('alice', 'counter', 'c', { n: 1 });
        const before = (await state.get('alice', 'counter', 'c'))!.etag;
        await state.increment('alice', 'counter', 'c', { n: 1 });
        assert.notEqual((await state.get('alice', 'counter', 'c'))!.etag, before, 'an increment is a write too');
      }));

    it('deletes, optionally only the version read', () =>
      withState(async ({ state }) => {
        assert.equal(await state.delete('alice', 'grant', 'nothing'), false);
        const first = await state.put('alice', 'grant', 'g', 1);
        const second = await state.put('alice', 'grant', 'g', 2);
        await assert.rejects(state.delete('alice', 'grant', 'g', { ifMatch: first.etag }), rejectsWith('precondition_failed'));
        assert.equal((await state.get('alice', 'grant', 'g'))?.value, 2, 'a refused delete deletes nothing');
        assert.equal(await state.delete('alice', 'grant', 'g', { ifMatch: second.etag }), true);
        assert.equal(await state.get('alice', 'grant', 'g'), undefined);
        assert.equal(await state.delete('alice', 'grant', 'g'), false);
        await assert.rejects(state.delete('alice', 'grant', 'g', { ifMatch: second.etag }), rejectsWith('precondition_failed'), 'ifMatch on a missing item');
        await state.put('alice', 'grant', 'h', 3);
        assert.equal(await state.delete('alice', 'grant', 'h'), true);
      }));

    it('lists one kind in key order, by prefix, up to the limit', () =>
      withState(async ({ state }) => {
        for (const key of ['b', 'a/2', 'a', 'a/1', 'c', 'a\n1', 'ab']) await state.put('alice', 'grant', key, key);
        await state.put('alice', 'other', 'a/0', 'other kind');
        await state.put('bob', 'grant', 'a/0', 'other partition');
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { limit: 100 })), ['a', 'a\n1', 'a/1', 'a/2', 'ab', 'b', 'c']);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { limit: 2 })), ['a', 'a\n1']);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: 'a/', limit: 100 })), ['a/1', 'a/2']);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: 'a', limit: 3 })), ['a', 'a\n1', 'a/1']);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: 'a\n', limit: 100 })), ['a\n1']);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: 'zz', limit: 100 })), []);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: '', limit: 1 })), ['a']);
        assert.deepEqual(await state.list('alice', 'grant', { limit: 0 }), []);
        assert.deepEqual(await state.list('alice', 'nothing', { limit: 10 }), []);
      }));

    it('pages with afterKey: the keys after it, exclusive, with or without a prefix', () =>
      withState(async ({ state }) => {
        for (const key of ['b', 'a/2', 'a', 'a/1', 'c', 'a\n1', 'ab', 'é']) await state.put('alice', 'grant', key, key);
        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = keysOf(await state.list('alice', 'grant', { limit: 3, ...(after === undefined ? {} : { afterKey: after }) }));
          if (page.length === 0) break;
          pages.push(page);
          after = page.at(-1);
        }
        assert.deepEqual(pages, [['a', 'a\n1', 'a/1'], ['a/2', 'ab', 'b'], ['c', 'é']]);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: 'a/', afterKey: 'a/1', limit: 10 })), ['a/2']);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { keyPrefix: 'a', afterKey: 'zz', limit: 10 })), []);
        assert.deepEqual(keysOf(await state.list('alice', 'grant', { afterKey: 'a/', limit: 2 })), ['a/1', 'a/2'], 'a key that is not stored works too');
      }));

    it('takes any printable key: slashes, ?, #, %, whitespace, newlines, Unicode, 2,000 characters', () =>
      withState(async ({ state }) => {
        for (const key of ODD_KEYS) await state.put('alice', 'odd', key, { key });
        for (const key of ODD_KEYS) assert.deepEqual((await state.get('alice', 'odd', key))?.value, { key }, JSON.stringify(key.slice(0, 20)));
        const listed = await state.list('alice', 'odd', { limit: 100 });
        assert.deepEqual(new Set(keysOf(listed)), new Set(ODD_KEYS), 'the raw keys come back from list');
        for (const item of listed) assert.deepEqual(item.value, { key: item.key });
        assert.deepEqual(new Set(keysOf(await state.getMany('alice', 'odd', ODD_KEYS))), new Set(ODD_KEYS));
        assert.deepEqual(keysOf(await state.list('alice', 'odd', { keyPrefix: 'a', limit: 100 })), ['a b', 'a#b', 'a%2Fb', 'a%b', 'a/b', 'a?b', 'a\\b']);
        assert.deepEqual(keysOf(await state.list('alice', 'odd', { keyPrefix: '日本', limit: 100 })), ['日本語']);
        assert.equal(await state.delete('alice', 'odd', 'a/b'), true);
        assert.equal((await state.get('alice', 'odd', 'a%2Fb'))?.value !== undefined, true, 'an encoded look-alike is another key');
      }));

    it('getMany returns the items that exist among the keys, each once', () =>
      withState(async ({ state }) => {
        await state.put('alice', 'approval', 'x', 1);
        await state.put('alice', 'approval', 'y', 2);
        await state.put('alice', 'grant', 'z', 3);
        const items = await state.getMany('alice', 'approval', ['y', 'missing', 'x', 'z', 'x']);
        assert.deepEqual(keysOf(items).sort(), ['x', 'y']);
        assert.deepEqual(Object.fromEntries(items.map((item) => [item.key, item.value])), { x: 1, y: 2 });
        assert.deepEqual(await state.getMany('alice', 'approval', []), []);
      }));

    it('refuses what it could not store faithfully, with invalid_input', () =>
      withState(async ({ state }) => {
        const invalid = rejectsWith('invalid_input');
        await assert.rejects(state.put('alice', 'k', '', 1), invalid, 'empty key');
        await assert.rejects(state.put('alice', 'k', 'x'.repeat(2049), 1), invalid, 'key over 2048 bytes');
        await assert.rejects(state.put('alice', 'k', '\ud800', 1), invalid, 'unpaired surrogate');
        await assert.rejects(state.put('alice', 'bad kind', 'k', 1), invalid, 'kind with a space');
        await assert.rejects(state.put('al/ice', 'k', 'k', 1), invalid, 'partition that is no user id');
        for (const value of [undefined, Number.NaN, Number.POSITIVE_INFINITY, new Date(), new Map(), { f: () => 1 }, [undefined]]) {
          await assert.rejects(state.put('alice', 'k', 'k', value), invalid, JSON.stringify(value) ?? typeof value);
        }
        await assert.rejects(state.put('alice', 'k', 'k', 1, { ifMatch: 'x', ifNoneMatch: '*' }), invalid, 'both conditions');
        await assert.rejects(state.list('alice', 'k', { limit: -1 }), invalid);
        assert.equal(await state.get('alice', 'k', 'k'), undefined, 'nothing was written');
      }));
  });

  stateCounterContract(adapter, withState);
}
