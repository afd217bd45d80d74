/**
 * The policy repository's cache: another instance's change is seen once the cached set expires;
 * a change made through a repository sharing the cache generation (another thread of the same
 * host) is seen at once, also by a set that was loading while the change was committed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { localCacheGeneration, type CacheGeneration } from '../../src/kernel/index.js';
import { PolicyRepository } from '../../src/security/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { policy } from './policy-helpers.js';

const deny = policy({ id: 'no-wires', condition: "event.type == 'wire.send'", action: 'deny' });

function setup(generation?: CacheGeneration) {
  const clock = new TestClock();
  const state = new MemoryStateStore({ clock });
  const options = { cacheMs: 60_000, ...(generation && { generation }) };
  return { clock, http: new PolicyRepository(state, clock, options), thread: new PolicyRepository(state, clock, options) };
}

const ids = async (repository: PolicyRepository, userId: string): Promise<string[]> =>
  (await repository.compiledFor(userId)).policies.map((entry) => entry.policy.id);

describe('the policy cache', () => {
  it('serves another instance its cached set until it expires', async () => {
    const { clock, http, thread } = setup();
    assert.deepEqual(await ids(thread, 'ann'), []);
    await http.replace({ kind: 'user', userId: 'ann' }, [deny], undefined);
    assert.deepEqual(await ids(thread, 'ann'), [], 'cached');
    clock.advance(60_000);
    assert.deepEqual(await ids(thread, 'ann'), ['no-wires']);
  });

  it('drops every cached set, global or a user’s, when a repository sharing the generation changes one', async () => {
    const { http, thread } = setup(localCacheGeneration());
    assert.deepEqual(await ids(thread, 'ann'), []);
    await http.replace({ kind: 'user', userId: 'ann' }, [deny], undefined);
    assert.deepEqual(await ids(thread, 'ann'), ['no-wires']);
    await http.replace({ kind: 'global' }, [{ ...deny, id: 'global-no-wires' }], undefined);
    assert.deepEqual((await ids(thread, 'ann')).sort(), ['global-no-wires', 'no-wires']);
  });

  it('does not keep a set that was loading while a change was committed', async () => {
    const generation = localCacheGeneration();
    const clock = new TestClock();
    const state = new MemoryStateStore({ clock });
    // The first read of ann's own set waits until the test lets it go.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const gated = Object.create(state) as MemoryStateStore;
    gated.get = async (partition, kind, key) => {
      const item = await state.get(partition, kind, key);
      if (partition === 'ann' && !held) {
        held = true;
        await gate;
      }
      return item;
    };
    const http = new PolicyRepository(state, clock, { cacheMs: 60_000, generation });
    const thread = new PolicyRepository(gated, clock, { cacheMs: 60_000, generation });
    const slow = thread.compiledFor('ann'); // reads the old (empty) set, then waits
    await new Promise((resolve) => setImmediate(resolve));
    await http.replace({ kind: 'user', userId: 'ann' }, [deny], undefined);
    assert.deepEqual(await ids(thread, 'ann'), ['no-wires'], 'an event after the change sees it');
    release();
    assert.deepEqual((await slow).policies, [], 'the slow one answers what it read');
    assert.deepEqual(await ids(thread, 'ann'), ['no-wires'], 'and what it read is not what later events get');
  });
});
