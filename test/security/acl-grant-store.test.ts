import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { isKernelError, type StateItem } from '../../src/kernel/index.js';
import { GRANT_KIND, GrantStore, grantKey } from '../../src/security/acl/index.js';

/**
 * The in-memory StateStore adapter, counting reads, so the tests can hold GrantStore to its
 * "one getMany per check, none for the owner" promise.
 */
class CountingStateStore extends MemoryStateStore {
  reads = 0;
  lastGetManyKeys: readonly string[] = [];

  override async get(partition: string, kind: string, key: string): Promise<StateItem | undefined> {
    this.reads += 1;
    return super.get(partition, kind, key);
  }

  override async getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]> {
    this.reads += 1;
    this.lastGetManyKeys = keys;
    return super.getMany(partition, kind, keys);
  }

  override async list(partition: string, kind: string, options: { keyPrefix?: string; limit: number }): Promise<StateItem[]> {
    this.reads += 1;
    return super.list(partition, kind, options);
  }
}

const NOW = new Date('2025-03-01T12:00:00Z');

function setup() {
  const state = new CountingStateStore();
  return { state, grants: new GrantStore(state) };
}

function invalid(error: unknown): boolean {
  return isKernelError(error, 'invalid_input');
}

describe('GrantStore', () => {
  it('grants, checks through a folder grant, and revokes', async () => {
    const { grants } = setup();
    const stored = await grants.grant('alice', { path: '/Projects/Alpha/', grantee: 'user:bob', access: 'write' }, 'alice', NOW);
    assert.deepEqual(stored, { path: '/Projects/Alpha', grantee: 'user:bob', access: 'write', grantedBy: 'alice', grantedAt: '2025-03-01T12:00:00.000Z' });

    const request = { principal: { userId: 'bob' }, owner: 'alice', path: '/Projects/Alpha/status', access: 'write' } as const;
    const allowed = await grants.check(request);
    assert.equal(allowed.allowed, true);
    assert.deepEqual(allowed.grant, stored);
    assert.equal((await grants.check({ ...request, path: '/Projects/AlphaBeta' })).allowed, false);
    assert.equal((await grants.check({ ...request, owner: 'carol' })).allowed, false, 'grants live in the owner partition');

    assert.equal(await grants.revoke('alice', '/Projects/Alpha', 'user:bob'), true);
    assert.equal(await grants.revoke('alice', '/Projects/Alpha', 'user:bob'), false);
    assert.equal((await grants.check(request)).allowed, false);
  });

  it('answers the owner without reading the store, and anyone else with exactly one getMany', async () => {
    const { state, grants } = setup();
    await grants.grant('alice', { path: '/A', grantee: 'agent:research', access: 'read' }, 'alice', NOW);
    state.reads = 0;
    assert.equal((await grants.check({ principal: { userId: 'alice', agentId: 'research' }, owner: 'alice', path: '/A/B/c', access: 'write' })).allowed, true);
    assert.equal(state.reads, 0);

    const decision = await grants.check({ principal: { userId: 'bob', agentId: 'research' }, owner: 'alice', path: '/A/B/c', access: 'read' });
    assert.equal(decision.allowed, true);
    assert.equal(state.reads, 1);
    // (3 ancestors + the path) x (user + agent)
    assert.equal(state.lastGetManyKeys.length, 8);
    assert.ok(state.lastGetManyKeys.includes(grantKey('/A', 'agent:research')));
    assert.ok(state.lastGetManyKeys.includes(grantKey('/', 'user:bob')));
  });

  it('returns the covering grants of a principal only', async () => {
    const { grants } = setup();
    await grants.grant('alice', { path: '/', grantee: 'user:bob', access: 'read' }, 'alice', NOW);
    await grants.grant('alice', { path: '/A/B', grantee: 'agent:research', access: 'write' }, 'alice', NOW);
    await grants.grant('alice', { path: '/A/B', grantee: 'user:carol', access: 'write' }, 'alice', NOW);
    await grants.grant('alice', { path: '/A/BC', grantee: 'user:bob', access: 'write' }, 'alice', NOW);
    const covering = await grants.covering('alice', { userId: 'bob', agentId: 'research' }, '/A/B/x');
    assert.deepEqual(covering.map((g) => `${g.grantee} ${g.path}`), ['user:bob /', 'agent:research /A/B']);
  });

  it('replaces a grant when the same grantee is granted the same path again', async () => {
    const { grants } = setup();
    await grants.grant('alice', { path: '/A', grantee: 'user:bob', access: 'read' }, 'alice', NOW);
    await grants.grant('alice', { path: '/A', grantee: 'user:bob', access: 'write' }, 'alice', NOW);
    const all = await grants.list('alice', { limit: 10 });
    assert.deepEqual(all.map((g) => g.access), ['write']);
  });

  it('rejects grants to oneself or the owner, bad grantees, bad paths and bad ids', async () => {
    const { grants } = setup();
    await assert.rejects(grants.grant('alice', { path: '/A', grantee: 'user:alice', access: 'read' }, 'alice', NOW), invalid);
    await assert.rejects(grants.grant('alice', { path: '/A', grantee: 'user:admin', access: 'read' }, 'admin', NOW), /themselves/);
    for (const grantee of ['user:', 'user:bo b', 'agent:Research', 'agent:1x', `agent:${'a'.repeat(65)}`, 'group:staff', 'bob']) {
      await assert.rejects(grants.grant('alice', { path: '/A', grantee: grantee as 'user:x', access: 'read' }, 'alice', NOW), invalid, grantee);
    }
    await assert.rejects(grants.grant('alice', { path: '/A/../B', grantee: 'user:bob', access: 'read' }, 'alice', NOW), invalid);
    await assert.rejects(grants.grant('alice', { path: '/A', grantee: 'user:bob', access: 'admin' as 'read' }, 'alice', NOW), invalid);
    await assert.rejects(grants.grant('al ice', { path: '/A', grantee: 'user:bob', access: 'read' }, 'alice', NOW), invalid);
    await assert.rejects(grants.revoke('alice', '/A', 'group:x'), invalid);
    await assert.rejects(grants.check({ principal: { userId: 'bob', agentId: 'No Such' }, owner: 'alice', path: '/A', access: 'read' }), invalid);
    assert.deepEqual(await grants.list('alice', { limit: 10 }), []);
  });

  it('lists by folder, never by string prefix, in path order, up to the limit', async () => {
    const { grants } = setup();
    for (const [path, grantee] of [['/B', 'user:bob'], ['/A/B', 'user:bob'], ['/AB', 'user:bob'], ['/A', 'user:carol'], ['/A', 'agent:research'], ['/A B', 'user:bob']] as const) {
      await grants.grant('alice', { path, grantee, access: 'read' }, 'alice', NOW);
    }
    await grants.grant('dave', { path: '/A', grantee: 'user:bob', access: 'read' }, 'dave', NOW);
    const list = async (pathPrefix: string | undefined, limit: number) =>
      (await grants.list('alice', { ...(pathPrefix !== undefined && { pathPrefix }), limit })).map((g) => `${g.path} ${g.grantee}`);

    assert.deepEqual(await list('/A', 10), ['/A agent:research', '/A user:carol', '/A/B user:bob']);
    assert.deepEqual(await list('/A/', 2), ['/A agent:research', '/A user:carol']);
    assert.deepEqual(await list('/A', 3), ['/A agent:research', '/A user:carol', '/A/B user:bob']);
    assert.equal((await list(undefined, 10)).length, 6);
    assert.equal((await list('/', 4)).length, 4);
    assert.deepEqual(await list('/Nothing', 10), []);
    await assert.rejects(grants.list('alice', { limit: 0 }), invalid);
    await assert.rejects(grants.list('alice', { limit: 1001 }), invalid);
    await assert.rejects(grants.list('alice', { pathPrefix: '/A/..', limit: 5 }), invalid);
  });

  it('treats a corrupt or misplaced stored grant as an internal error, never as an allow', async () => {
    const { state, grants } = setup();
    const request = { principal: { userId: 'bob' }, owner: 'alice', path: '/A/doc', access: 'read' } as const;
    await state.put('alice', GRANT_KIND, grantKey('/A', 'user:bob'), { path: '/A', grantee: 'user:bob', access: 'everything' });
    await assert.rejects(grants.check(request), (error: unknown) => isKernelError(error, 'internal') && /corrupt grant/.test(error.message));

    // A well-formed grant for /A stored under the key of the root folder must not widen to "/".
    await state.delete('alice', GRANT_KIND, grantKey('/A', 'user:bob'));
    await state.put('alice', GRANT_KIND, grantKey('/', 'user:bob'), { path: '/A', grantee: 'user:bob', access: 'write', grantedBy: 'alice', grantedAt: NOW.toISOString() });
    await assert.rejects(grants.check({ ...request, path: '/Other' }), (error: unknown) => isKernelError(error, 'internal'));
    await assert.rejects(grants.list('alice', { limit: 5 }), (error: unknown) => isKernelError(error, 'internal'));
  });
});
