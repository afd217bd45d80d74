import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { isKernelError } from '../../src/kernel/index.js';
import { checkAccess, grantSchema, type Access, type Grant, type Grantee, type Principal } from '../../src/security/acl/index.js';

const RUNS = 400;
const AT = '2025-01-01T00:00:00.000Z';

function grant(path: string, grantee: Grantee, access: Access): Grant {
  return { path, grantee, access, grantedBy: 'alice', grantedAt: AT };
}

const check = (principal: Principal, path: string, access: Access, grants: Grant[]) => checkAccess({ principal, owner: 'alice', path, access }, grants);

// A small alphabet so that paths share folders and name prefixes ("/A" and "/AB") often.
const segment = fc.constantFrom('A', 'AB', 'B', 'b', 'A B', 'A-1');
const path = fc.array(segment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`);
const access = fc.constantFrom<Access>('read', 'write');
const userId = fc.constantFrom('alice', 'bob', 'carol');
const agentId = fc.constantFrom('research', 'summarizer', 'mail_io');
const principal = fc.record({ userId, agentId: fc.option(agentId, { nil: undefined }) }).map(
  ({ userId, agentId }): Principal => (agentId === undefined ? { userId } : { userId, agentId }),
);
const grantee = fc.oneof(userId.map((id): Grantee => `user:${id}`), agentId.map((id): Grantee => `agent:${id}`));
const grants = fc.array(fc.record({ path, grantee, access }).map((g) => grant(g.path, g.grantee, g.access)), { maxLength: 8 });

/** An independent model of the rule: whole-segment prefix, matching grantee, write implies read. */
function model(who: Principal, target: string, wanted: Access, all: Grant[]): boolean {
  if (who.userId === 'alice') return true;
  const split = (p: string) => p.split('/').filter(Boolean);
  const mine = new Set([`user:${who.userId}`, ...(who.agentId ? [`agent:${who.agentId}`] : [])]);
  return all.some((g) => {
    const folder = split(g.path);
    const below = folder.every((name, i) => split(target)[i] === name);
    return mine.has(g.grantee) && below && (g.access === 'write' || wanted === 'read');
  });
}

describe('checkAccess', () => {
  it('allows the owner everything, without grants', () => {
    const decision = check({ userId: 'alice' }, '/Projects/Alpha', 'write', []);
    assert.equal(decision.allowed, true);
    assert.equal(decision.grant, undefined);
    assert.equal(check({ userId: 'alice', agentId: 'research' }, '/', 'write', []).allowed, true);
  });

  it('denies a non-owner without a grant, and says who and what', () => {
    const decision = check({ userId: 'bob', agentId: 'research' }, '/Projects', 'read', []);
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /user:bob or agent:research/);
  });

  it('lets a folder grant cover the folder and its descendants, never a sibling with a shared prefix', () => {
    const grants = [grant('/Projects/Alpha', 'user:bob', 'read')];
    const bob = { userId: 'bob' };
    assert.equal(check(bob, '/Projects/Alpha', 'read', grants).allowed, true);
    const deep = check(bob, '/Projects/Alpha/notes/2024', 'read', grants);
    assert.equal(deep.allowed, true);
    assert.deepEqual(deep.grant, grants[0]);
    assert.equal(check(bob, '/Projects/AlphaBeta', 'read', grants).allowed, false);
    assert.equal(check(bob, '/Projects/Alpha Beta', 'read', grants).allowed, false);
    assert.equal(check(bob, '/Projects', 'read', grants).allowed, false);
  });

  it('never lets a read grant allow write, and says so', () => {
    const grants = [grant('/Shared', 'user:bob', 'read')];
    const decision = check({ userId: 'bob' }, '/Shared/doc', 'write', grants);
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /only read is granted on \/Shared/);
    assert.equal(check({ userId: 'bob' }, '/Shared/doc', 'write', [...grants, grant('/Shared', 'user:bob', 'write')]).allowed, true);
  });

  it('applies agent grants to that agent only, and user grants to that user only', () => {
    const grants = [grant('/Inbox', 'agent:summarizer', 'read'), grant('/Calendar', 'user:carol', 'write')];
    assert.equal(check({ userId: 'bob', agentId: 'summarizer' }, '/Inbox/1', 'read', grants).allowed, true);
    assert.equal(check({ userId: 'bob', agentId: 'research' }, '/Inbox/1', 'read', grants).allowed, false);
    assert.equal(check({ userId: 'bob' }, '/Inbox/1', 'read', grants).allowed, false);
    assert.equal(check({ userId: 'summarizer' }, '/Inbox/1', 'read', grants).allowed, false);
    assert.equal(check({ userId: 'bob' }, '/Calendar', 'read', grants).allowed, false);
    assert.equal(check({ userId: 'carol', agentId: 'research' }, '/Calendar/x', 'write', grants).allowed, true);
  });

  it('normalizes the request path first, so a traversal cannot reach a granted folder', () => {
    const grants = [grant('/Public', 'user:bob', 'write')];
    assert.equal(check({ userId: 'bob' }, '/Public/', 'write', grants).allowed, true);
    for (const sneaky of ['/Public/../Private', '/Public/%2e%2e/Private', '/Public//x', 'Public/x']) {
      assert.throws(() => check({ userId: 'bob' }, sneaky, 'read', grants), (error: unknown) => isKernelError(error, 'invalid_input'));
    }
    assert.throws(() => check({ userId: 'alice' }, '/A/../B', 'read', []), (error: unknown) => isKernelError(error, 'invalid_input'));
  });

  it('rejects a principal with an invalid user or agent id', () => {
    assert.throws(() => check({ userId: 'bob\n/x' }, '/A', 'read', []), (error: unknown) => isKernelError(error, 'invalid_input'));
    assert.throws(() => check({ userId: 'bob', agentId: 'Bad Agent' }, '/A', 'read', []), (error: unknown) => isKernelError(error, 'invalid_input'));
  });

  it('validates stored grants with its schema', () => {
    assert.equal(grantSchema.safeParse(grant('/A', 'agent:research', 'read')).success, true);
    for (const bad of [
      { ...grant('/A', 'user:bob', 'read'), path: '/A/' },
      { ...grant('/A', 'user:bob', 'read'), path: '/A/../B' },
      { ...grant('/A', 'user:bob', 'read'), grantee: 'agent:Research' },
      { ...grant('/A', 'user:bob', 'read'), grantee: 'group:staff' },
      { ...grant('/A', 'user:bob', 'read'), access: 'admin' },
      { ...grant('/A', 'user:bob', 'read'), grantedAt: 'yesterday' },
      { ...grant('/A', 'user:bob', 'read'), extra: true },
    ]) {
      assert.equal(grantSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('property: the owner is always allowed', () => {
    fc.assert(
      fc.property(fc.option(agentId, { nil: undefined }), path, access, grants, (agent, target, wanted, all) => {
        const owner: Principal = agent === undefined ? { userId: 'alice' } : { userId: 'alice', agentId: agent };
        assert.equal(check(owner, target, wanted, all).allowed, true);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: without grants a non-owner is always denied', () => {
    fc.assert(
      fc.property(principal.filter((p) => p.userId !== 'alice'), path, access, (who, target, wanted) => {
        assert.equal(check(who, target, wanted, []).allowed, false);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: a read-only set of grants never allows a non-owner to write', () => {
    const readGrants = grants.map((all) => all.map((g) => ({ ...g, access: 'read' as const })));
    fc.assert(
      fc.property(principal.filter((p) => p.userId !== 'alice'), path, readGrants, (who, target, all) => {
        assert.equal(check(who, target, 'write', all).allowed, false);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: a grant on a folder covers every descendant and no sibling sharing its name prefix', () => {
    fc.assert(
      fc.property(path.filter((p) => p !== '/'), fc.array(segment, { maxLength: 3 }), fc.constantFrom('B', ' x', '-1', '.bak'), (folder, below, suffix) => {
        const bob = { userId: 'bob' };
        const grants = [grant(folder, 'user:bob', 'write')];
        const descendant = [folder, ...below].join('/');
        assert.equal(check(bob, descendant, 'write', grants).allowed, true);
        assert.equal(check(bob, `${folder}${suffix}`, 'read', grants).allowed, false);
        assert.equal(check(bob, `${folder}${suffix}/${below.join('/') || 'x'}`, 'read', grants).allowed, false);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: agent grants apply only to that agent id', () => {
    fc.assert(
      fc.property(agentId, agentId, path, access, (granted, acting, target, wanted) => {
        const grants = [grant('/', `agent:${granted}`, 'write')];
        assert.equal(check({ userId: 'bob', agentId: acting }, target, wanted, grants).allowed, granted === acting);
        assert.equal(check({ userId: 'bob' }, target, wanted, grants).allowed, false);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: agrees with an independent model of the rule, and names the grant it used', () => {
    fc.assert(
      fc.property(principal, path, access, grants, (who, target, wanted, all) => {
        const decision = check(who, target, wanted, all);
        assert.equal(decision.allowed, model(who, target, wanted, all));
        if (decision.grant) assert.ok(all.includes(decision.grant));
        if (decision.allowed && who.userId !== 'alice') assert.ok(decision.grant);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
