/**
 * The authorizer hands events with the same outcome the same sealed decision (kept per user
 * plan), and never one that depends on the event: an approval to ask for, a throttle's release
 * time, a policy that failed. What it hands out is always what it would have made for the event.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { isSealedDecision, type Decision, type Envelope } from '../../src/kernel/index.js';
import { allowAllAuthorizer, createSecuritySystem, DEFAULT_POLICIES } from '../../src/security/index.js';
import { makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';
import { policy } from './policy-helpers.js';

async function setup() {
  const clock = new TestClock();
  const security = createSecuritySystem(new MemoryStateStore({ clock }), clock, silentLogger);
  await security.policies.seedGlobal(DEFAULT_POLICIES);
  return security;
}

const mail = (id: string, body: string): Envelope => makeEvent({ id, type: 'email.received', data: { from: `${id}@example.com`, body } });

/** The decision made afresh for this event (explain keeps nothing), to compare with the one handed out. */
async function fresh(security: Awaited<ReturnType<typeof setup>>, event: Envelope): Promise<Decision> {
  return (await security.authorizer.explain(event, {})).decision;
}

describe('decisions kept per outcome', () => {
  it('hands two events with the same outcome one sealed decision, equal to the one made for each', async () => {
    const security = await setup();
    const first = mail('m1', 'Call me on +44 20 7946 0018, thanks');
    const second = mail('m2', 'A different body, the same kinds: +44 20 7946 0999');
    const a = (await security.authorizer.authorize(first)).decision;
    const b = (await security.authorizer.authorize(second)).decision;
    assert.equal(a, b);
    assert.ok(isSealedDecision(a) && Object.isFrozen(a) && Object.isFrozen(a.policies));
    assert.deepEqual(a.pii, ['email', 'phone']);
    assert.deepEqual(a, await fresh(security, first));
    assert.deepEqual(b, await fresh(security, second));
  });

  it('the allow-all authorizer, too, hands every event one sealed decision', async () => {
    const a = (await allowAllAuthorizer.authorize(makeEvent({ id: 'e1' }), 1)).decision;
    const b = (await allowAllAuthorizer.authorize(makeEvent({ id: 'e2', userid: 'bob' }), 1)).decision;
    assert.equal(a, b);
    assert.ok(isSealedDecision(a) && Object.isFrozen(a));
    assert.deepEqual({ ...a }, { allowed: true, authorizer: 'allow-all', reason: 'no policy engine configured: every event is allowed', policies: [] });
  });

  it('tells apart outcomes that differ in the personal data found, the context path or the user', async () => {
    const security = await setup();
    const withPhone = (await security.authorizer.authorize(mail('m1', 'ring +44 20 7946 0018'))).decision;
    const withoutPhone = (await security.authorizer.authorize(mail('m2', 'no number here'))).decision;
    assert.notEqual(withPhone, withoutPhone);
    assert.deepEqual(withoutPhone.pii, ['email']);
    const read = (id: string, path: string, userid = 'alice') => security.authorizer.authorize(makeEvent({ id, userid, type: 'context.read', data: { path } }));
    const notes = (await read('r1', '/Projects/a/notes')).decision;
    const plans = (await read('r2', '/Projects/b/plans')).decision;
    assert.equal(notes.contextPath, '/Projects/a/notes');
    assert.equal(plans.contextPath, '/Projects/b/plans');
    const personal = (await read('r3', '/Personal/diary')).decision;
    assert.deepEqual(personal.restrictions, { external: false });
    assert.deepEqual(personal, await fresh(security, makeEvent({ id: 'r3', type: 'context.read', data: { path: '/Personal/diary' } })));
    const bobs = (await read('r4', '/Projects/a/notes', 'bob')).decision;
    assert.notEqual(bobs, notes, 'kept per user plan');
    assert.deepEqual(bobs, notes);
  });

  it('follows a change of the policies at once', async () => {
    const security = await setup();
    const before = (await security.authorizer.authorize(mail('m1', 'hello'))).decision;
    assert.equal(before.allowed, true);
    await security.policies.replace({ kind: 'user', userId: 'alice' }, [policy({ id: 'no-mail', condition: "event.type == 'email.received'", action: 'deny' })], undefined);
    const after = (await security.authorizer.authorize(mail('m2', 'hello'))).decision;
    assert.equal(after.allowed, false);
    assert.equal(after.decidedBy, 'no-mail');
    assert.deepEqual(after, await fresh(security, mail('m2', 'hello')));
  });

  it('never keeps a decision that depends on the event: an approval, a throttle, a failed policy, a driver’s request', async () => {
    const security = await setup();
    await security.policies.replace(
      { kind: 'user', userId: 'alice' },
      [
        policy({ id: 'sign-off', condition: "event.type == 'wire.send'", action: 'require_approval', config: { reason: 'money leaves' } }),
        policy({ id: 'slow-down', condition: "event.type == 'bulk.send'", action: 'throttle', config: { window: 'minute' } }),
        policy({ id: 'broken', condition: "event.type == 'odd.thing' && event.data.missing > 1", action: 'deny' }),
      ],
      undefined,
    );
    const twice = async (type: string, extra: Partial<Envelope> = {}) => {
      const a = (await security.authorizer.authorize(makeEvent({ id: `${type}-1`, type, ...extra }))).decision;
      const b = (await security.authorizer.authorize(makeEvent({ id: `${type}-2`, type, ...extra }))).decision;
      return [a, b] as const;
    };
    const [wire1, wire2] = await twice('wire.send');
    assert.equal(wire1.verdict, 'require_approval');
    assert.notEqual(wire1.approval?.id, wire2.approval?.id, 'each event its own approval');
    const [bulk1, bulk2] = await twice('bulk.send');
    assert.equal(bulk1.verdict, 'throttle');
    assert.notEqual(bulk1, bulk2);
    const [odd1, odd2] = await twice('odd.thing');
    assert.equal(odd1.allowed, false);
    assert.ok(odd1.matched?.[0]?.error);
    assert.notEqual(odd1, odd2);
    const [asked1, asked2] = await twice('tool.call', { producer: 'assistant', approval: 'it sends a mail' });
    assert.equal(asked1.verdict, 'require_approval');
    assert.equal(isSealedDecision(asked1) || isSealedDecision(asked2), false);
  });
});
