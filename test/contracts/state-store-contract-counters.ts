/**
 * The StateStore contract, part two: `increment` (creation, atomicity under concurrency, within
 * one instance and across two over the same storage) and expiry. Registered by
 * state-store-contract.ts, which holds the harness.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { keysOf, rejectsWith, type WithState } from './state-store-contract.js';

const MINUTE = 60_000;

export function stateCounterContract(adapter: string, withState: WithState): void {
  describe(`StateStore contract, counters and expiry: ${adapter}`, () => {
    it('increment creates the item from zero, adds to numeric fields and leaves the others alone', () =>
      withState(async ({ state }) => {
        await state.increment('alice', 'usage', 'c', { events: 1, tokens: 250 });
        assert.deepEqual((await state.get('alice', 'usage', 'c'))?.value, { events: 1, tokens: 250 });
        await state.increment('alice', 'usage', 'c', { events: 2, cost: 0.5 });
        await state.increment('alice', 'usage', 'c', { tokens: -50, cost: 0.25 });
        assert.deepEqual((await state.get('alice', 'usage', 'c'))?.value, { events: 3, tokens: 200, cost: 0.75 });
        await state.put('alice', 'usage', 'mixed', { label: 'keep me', n: 1, nested: { a: [1] } });
        await state.increment('alice', 'usage', 'mixed', { n: 41 });
        assert.deepEqual((await state.get('alice', 'usage', 'mixed'))?.value, { label: 'keep me', n: 42, nested: { a: [1] } });
        await state.increment('bob', 'usage', 'c', { events: 5 });
        assert.deepEqual((await state.get('alice', 'usage', 'c'))?.value, { events: 3, tokens: 200, cost: 0.75 }, 'per partition');
      }));

    it('increment refuses a field holding a non-number, a non-object value and bad deltas, changing nothing', () =>
      withState(async ({ state }) => {
        const invalid = rejectsWith('invalid_input');
        const stored = await state.put('alice', 'usage', 'text', { events: 'many', n: 1 });
        await assert.rejects(state.increment('alice', 'usage', 'text', { n: 1, events: 1 }), invalid);
        assert.deepEqual(await state.get('alice', 'usage', 'text'), stored, 'not even the numeric field changed');
        await state.put('alice', 'usage', 'list', [1, 2]);
        await assert.rejects(state.increment('alice', 'usage', 'list', { n: 1 }), invalid);
        await state.put('alice', 'usage', 'string', 'five');
        await assert.rejects(state.increment('alice', 'usage', 'string', { n: 1 }), invalid);
        await assert.rejects(state.increment('alice', 'usage', 'new', {}), invalid, 'no fields');
        await assert.rejects(state.increment('alice', 'usage', 'new', { n: Number.NaN }), invalid, 'NaN');
        await assert.rejects(state.increment('alice', 'usage', 'new', { 'a/b': 1 }), invalid, 'a field name that is a path');
        const eight = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((field) => [field, 1]));
        await assert.rejects(state.increment('alice', 'usage', 'new', eight), invalid, 'more than 7 fields');
        assert.equal(await state.get('alice', 'usage', 'new'), undefined);
      }));

    it('50 concurrent increments of one new item all count', () =>
      withState(async ({ state }) => {
        await Promise.all(Array.from({ length: 50 }, (_, index) => state.increment('alice', 'usage', 'hot', { events: 1, tokens: index })));
        assert.deepEqual((await state.get('alice', 'usage', 'hot'))?.value, { events: 50, tokens: (49 * 50) / 2 });
      }));

    it('concurrent increments from two instances over the same storage all count', async (t) => {
      await withState(async ({ state, sibling }) => {
        if (sibling === undefined) {
          t.skip('one process memory: there is no second instance over the same storage');
          return;
        }
        const other = await sibling();
        await Promise.all(
          Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? state : other).increment('alice', 'usage', 'shared', { events: 1, tokens: 2 })),
        );
        assert.deepEqual((await state.get('alice', 'usage', 'shared'))?.value, { events: 50, tokens: 100 });
        assert.deepEqual((await other.get('alice', 'usage', 'shared'))?.value, { events: 50, tokens: 100 });
      });
    });

    it('never returns an expired item, whether or not it was removed yet', () =>
      withState(async ({ state }, clock) => {
        const expiresAt = new Date(clock.now().getTime() + MINUTE);
        await state.increment('alice', 'usage', 'm', { events: 1 }, { expiresAt });
        await state.increment('alice', 'usage', 'forever', { events: 1 });
        assert.deepEqual((await state.get('alice', 'usage', 'm'))?.value, { events: 1 });
        clock.advance(MINUTE - 1);
        assert.deepEqual(keysOf(await state.getMany('alice', 'usage', ['m', 'forever'])).sort(), ['forever', 'm'], 'live until the instant');
        clock.advance(1);
        assert.equal(await state.get('alice', 'usage', 'm'), undefined, 'expired at expiresAt');
        assert.deepEqual(keysOf(await state.getMany('alice', 'usage', ['m', 'forever'])), ['forever']);
        assert.deepEqual(keysOf(await state.list('alice', 'usage', { limit: 10 })), ['forever']);
        assert.deepEqual(keysOf(await state.list('alice', 'usage', { keyPrefix: 'm', limit: 10 })), []);
      }));

    it('treats an expired item as missing on every write', () =>
      withState(async ({ state }, clock) => {
        const soon = (): Date => new Date(clock.now().getTime() + MINUTE);
        await state.increment('alice', 'usage', 'c', { events: 5 }, { expiresAt: soon() });
        const stale = (await state.get('alice', 'usage', 'c'))!;
        clock.advance(MINUTE);
        await state.increment('alice', 'usage', 'c', { events: 1 }, { expiresAt: soon() });
        assert.deepEqual((await state.get('alice', 'usage', 'c'))?.value, { events: 1 }, 'an increment after expiry starts from zero');

        await state.increment('alice', 'usage', 'p', { events: 1 }, { expiresAt: soon() });
        const before = (await state.get('alice', 'usage', 'p'))!;
        clock.advance(MINUTE);
        await assert.rejects(state.put('alice', 'usage', 'p', 'x', { ifMatch: before.etag }), rejectsWith('precondition_failed'), 'its ETag no longer matches anything');
        assert.equal(await state.delete('alice', 'usage', 'p'), false, 'deleting it deletes nothing that was there');
        await state.increment('alice', 'usage', 'q', { events: 1 }, { expiresAt: soon() });
        clock.advance(MINUTE);
        const created = await state.put('alice', 'usage', 'q', 'fresh', { ifNoneMatch: '*' });
        assert.equal((await state.get('alice', 'usage', 'q'))?.etag, created.etag, 'ifNoneMatch succeeds over an expired item');
        assert.notEqual(created.etag, stale.etag);
      }));

    it('keeps an item\'s expiry across increments without one; a put makes it permanent', () =>
      withState(async ({ state }, clock) => {
        await state.increment('alice', 'usage', 'k', { n: 1 }, { expiresAt: new Date(clock.now().getTime() + MINUTE) });
        await state.increment('alice', 'usage', 'k', { n: 1 });
        clock.advance(MINUTE);
        assert.equal(await state.get('alice', 'usage', 'k'), undefined, 'the first expiry still holds');

        await state.increment('alice', 'usage', 'later', { n: 1 }, { expiresAt: new Date(clock.now().getTime() + MINUTE) });
        await state.increment('alice', 'usage', 'later', { n: 1 }, { expiresAt: new Date(clock.now().getTime() + 3 * MINUTE) });
        clock.advance(2 * MINUTE);
        assert.deepEqual((await state.get('alice', 'usage', 'later'))?.value, { n: 2 }, 'a later expiresAt replaces the earlier');

        await state.increment('alice', 'usage', 'kept', { n: 1 }, { expiresAt: new Date(clock.now().getTime() + MINUTE) });
        await state.put('alice', 'usage', 'kept', { n: 7 });
        clock.advance(10 * MINUTE);
        assert.deepEqual((await state.get('alice', 'usage', 'kept'))?.value, { n: 7 });
      }));
  });
}
