/**
 * The processor's answer to a denied event (`event.denied`), at the kernel's level: its shape,
 * its deterministic id, that it carries none of the denied event's data, and that denials of
 * answers (and the loop guard's) are not answered again. The same from the outside, over HTTP:
 * test/e2e/denied-answers.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defineDriver } from '../../src/drivers/index.js';
import { childEventId, DENIED_EVENT_TYPE, type Authorizer, type Decision, type Outcome } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';

const echo = defineDriver({
  manifest: { id: 'echo', name: 'Echo', version: '1.0.0', type: 'tool', capabilities: ['demo.*', 'event.*'] },
  async handle() {
    return [{ type: 'demo.echoed' }];
  },
});

function denying(decision: Partial<Decision> = {}): Authorizer {
  return { name: 'test-policies', authorize: async () => ({ decision: { allowed: false, authorizer: 'policy-engine', reason: 'Denied by policy "no-demo": closed', policies: ['no-demo'], verdict: 'deny', decidedBy: 'no-demo', ...decision } }) };
}

function complete(outcome: Outcome) {
  assert.equal(outcome.kind, 'complete', JSON.stringify(outcome));
  if (outcome.kind !== 'complete') throw new Error('unreachable');
  return outcome;
}

describe('the answer to a denied event', () => {
  it('is one event.denied naming the event and the decision, correlated, with none of the event\'s data', async () => {
    const { processor } = kernelFixture([echo], { authorizer: denying() });
    const secret = { card: '4111 1111 1111 1111', note: 'for my eyes only' };
    const event = makeEvent({ id: 'd1', correlationid: 'root-1', causationid: 'root-1', depth: 2, data: secret });
    const outcome = complete(await processor.process(event, { deliveryCount: 1 }));
    assert.equal(outcome.record.status, 'denied');
    assert.deepEqual(outcome.record.drivers, [], 'no driver ran');
    assert.equal(outcome.emissions.length, 1);
    const answer = outcome.emissions[0]!.event;
    assert.equal(answer.type, DENIED_EVENT_TYPE);
    assert.equal(answer.id, childEventId(event, 'processor', 'denied'));
    assert.deepEqual(
      { userid: answer.userid, causationid: answer.causationid, correlationid: answer.correlationid, depth: answer.depth, category: answer.category, source: answer.source },
      { userid: 'alice', causationid: 'd1', correlationid: 'root-1', depth: 3, category: 'output', source: '/kernel/processor' },
    );
    assert.deepEqual(answer.data, { eventId: 'd1', eventType: 'demo.ping', authorizer: 'policy-engine', reason: 'Denied by policy "no-demo": closed', policy: 'no-demo' });
    assert.doesNotMatch(JSON.stringify(answer), /4111|eyes only/);
    assert.deepEqual(outcome.record.children, [answer.id], 'GET /api/events/{id} lists it');
  });

  it('has the same id on every processing of the event, so a redelivery emits no second answer', async () => {
    const first = complete(await kernelFixture([echo], { authorizer: denying() }).processor.process(makeEvent(), { deliveryCount: 1 }));
    const again = complete(await kernelFixture([echo], { authorizer: denying({ reason: 'another wording' }) }).processor.process(makeEvent(), { deliveryCount: 2 }));
    assert.equal(first.emissions[0]?.event.id, again.emissions[0]?.event.id);
  });

  it('names the context path an ACL refused, and answers a failed authorizer (fail closed) too', async () => {
    const acl = complete(await kernelFixture([echo], { authorizer: denying({ authorizer: 'acl', reason: 'no grant', contextPath: '/Shared/doc', decidedBy: undefined }) }).processor.process(makeEvent({ type: 'context.read', data: { path: '/Shared/doc', owner: 'bob' } }), { deliveryCount: 1 }));
    assert.deepEqual(acl.emissions[0]?.event.data, { eventId: 'e1', eventType: 'context.read', authorizer: 'acl', reason: 'no grant', contextPath: '/Shared/doc' });
    const broken: Authorizer = { name: 'broken', authorize: async () => { throw new Error('policy store exploded'); } };
    const failed = complete(await kernelFixture([echo], { authorizer: broken }).processor.process(makeEvent(), { deliveryCount: 1 }));
    assert.equal(failed.emissions[0]?.event.type, DENIED_EVENT_TYPE);
    assert.match(String((failed.emissions[0]?.event.data as { reason: string }).reason), /authorization failed: policy store exploded/);
  });

  it('is not emitted when the denied event is itself an event.denied, nor by the loop guard', async () => {
    const { processor } = kernelFixture([echo], { authorizer: denying(), processor: { maxDepth: 3 } });
    const answerDenied = complete(await processor.process(makeEvent({ id: 'a1', type: DENIED_EVENT_TYPE, data: { eventId: 'x' } }), { deliveryCount: 1 }));
    assert.equal(answerDenied.record.status, 'denied');
    assert.deepEqual(answerDenied.emissions, []);
    const tooDeep = complete(await processor.process(makeEvent({ id: 'l1', depth: 4 }), { deliveryCount: 1 }));
    assert.equal(tooDeep.record.decision?.authorizer, 'loop-guard');
    assert.deepEqual(tooDeep.emissions, []);
  });

  it('goes with the notifications of policies that matched before the denial', async () => {
    const notifying = denying({ notifications: [{ policy: 'tell-me', to: ['user'], message: 'heads up' }] });
    const outcome = complete(await kernelFixture([echo], { authorizer: notifying }).processor.process(makeEvent(), { deliveryCount: 1 }));
    assert.deepEqual(outcome.emissions.map((emission) => emission.event.type), ['policy.notify', DENIED_EVENT_TYPE]);
  });
});
