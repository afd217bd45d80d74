/**
 * Answers addressed to the driver that asked: an event emitted with `awaitReply` carries
 * `replyto`, everything emitted while handling it (drivers' outputs and the kernel's own
 * answers) carries `recipient`, and the recipient runs on it whatever its capabilities. Also
 * dynamic routes, and a driver asking for a person's approval (`requireApproval`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defineDriver } from '../../src/drivers/index.js';
import { childEventId, EventProcessor, keyedChildEventId, type Authorizer, type Envelope, type Outcome } from '../../src/kernel/index.js';
import { kernelFixture, makeEvent, silentLogger } from '../helpers/kernel-fixture.js';

const seen: Envelope[] = [];
const asker = defineDriver({
  manifest: { id: 'asker', name: 'Asker', version: '1.0.0', type: 'agent', capabilities: ['ask.start'] },
  async handle(event) {
    seen.push(event);
    if (event.type !== 'ask.start') return [];
    return [
      { type: 'lookup.request', data: { q: 1 }, awaitReply: true },
      { type: 'lookup.request', data: { q: 2 } },
      { type: 'sign.perform', requireApproval: 'sends money' },
    ];
  },
});
const answerer = defineDriver({
  manifest: { id: 'answerer', name: 'Answerer', version: '1.0.0', type: 'tool', capabilities: ['lookup.request'] },
  async handle(event) {
    return [{ type: 'lookup.result', data: event.data }];
  },
});

function emissionsOf(outcome: Outcome): Envelope[] {
  assert.equal(outcome.kind, 'complete', JSON.stringify(outcome));
  return outcome.kind === 'complete' ? outcome.emissions.map((emission) => emission.event) : [];
}

describe('replies', () => {
  it('an awaited request carries replyto; its answers carry recipient and reach the asker, and only them', async () => {
    seen.length = 0;
    const { processor } = kernelFixture([asker, answerer]);
    const [awaited, plain, approval] = emissionsOf(await processor.process(makeEvent({ id: 's1', type: 'ask.start' }), { deliveryCount: 1 }));
    assert.equal(awaited?.replyto, 'asker');
    assert.equal(plain?.replyto, undefined, 'only when asked');
    assert.equal(approval?.approval, 'sends money');
    assert.equal(approval?.replyto, undefined);

    const [answer] = emissionsOf(await processor.process(awaited, { deliveryCount: 1 }));
    assert.equal(answer?.type, 'lookup.result');
    assert.equal(answer?.recipient, 'asker');
    const [unaddressed] = emissionsOf(await processor.process(plain!, { deliveryCount: 1 }));
    assert.equal(unaddressed?.recipient, undefined);

    seen.length = 0;
    const outcome = await processor.process(answer, { deliveryCount: 1 });
    assert.equal(outcome.kind === 'complete' && outcome.record.drivers.map((run) => run.driver).join(), 'asker', 'routed to the recipient though it has no such capability');
    assert.deepEqual(seen.map((event) => event.id), [answer.id]);
    assert.deepEqual(emissionsOf(await processor.process(unaddressed!, { deliveryCount: 1 })), [], 'an unaddressed result reaches nobody');
  });

  it('the kernel\'s own answer to an addressed request (a denial) is addressed too', async () => {
    const denyAll: Authorizer = { name: 'test', authorize: async () => ({ decision: { allowed: false, authorizer: 'test', reason: 'no', policies: [], verdict: 'deny' } }) };
    const { processor } = kernelFixture([asker, answerer], { authorizer: denyAll });
    const [denied] = emissionsOf(await processor.process(makeEvent({ id: 'r1', type: 'lookup.request', replyto: 'asker' }), { deliveryCount: 1 }));
    assert.equal(denied?.type, 'event.denied');
    assert.equal(denied?.recipient, 'asker');
  });

  it('the denial of an answer on its way is addressed to the waiting driver and names the request it answered', async () => {
    const denyAll: Authorizer = { name: 'test', authorize: async () => ({ decision: { allowed: false, authorizer: 'test', reason: 'budget spent', policies: [], verdict: 'deny' } }) };
    const { processor } = kernelFixture([asker, answerer], { authorizer: denyAll });
    const [denied] = emissionsOf(await processor.process(makeEvent({ id: 'a1', type: 'lookup.result', causationid: 'req-1', recipient: 'asker' }), { deliveryCount: 1 }));
    assert.equal(denied?.recipient, 'asker');
    assert.equal((denied?.data as { answered: string }).answered, 'req-1');
  });

  it('an answer addressed to a driver that does not exist is routed by type only', async () => {
    const { processor } = kernelFixture([asker, answerer]);
    const outcome = await processor.process(makeEvent({ id: 'x1', type: 'lookup.request', recipient: 'gone' }), { deliveryCount: 1 });
    assert.equal(outcome.kind === 'complete' && outcome.record.drivers.map((run) => run.driver).join(), 'answerer');
  });

  it('dynamic routes add registered drivers for an event, sync or async, and ignore unknown ids', async () => {
    const { store, registry, clock } = kernelFixture([asker, answerer]);
    for (const answerFor of [(): readonly string[] => ['asker', 'nobody'], async (): Promise<readonly string[]> => ['asker']]) {
      const processor = new EventProcessor({
        store,
        drivers: registry,
        authorizer: { name: 'allow', authorize: async () => ({ decision: { allowed: true, authorizer: 'allow', reason: 'ok', policies: [], verdict: 'allow' } }) },
        clock,
        logger: silentLogger,
        dynamicRoutes: { driversFor: (event) => (event.userid === 'alice' && event.type === 'mail.arrived' ? answerFor() : []) },
      });
      const id = `m-${Math.random().toString(36).slice(2)}`;
      const mine = await processor.process(makeEvent({ id, type: 'mail.arrived' }), { deliveryCount: 1 });
      assert.equal(mine.kind === 'complete' && mine.record.drivers.map((run) => run.driver).join(), 'asker');
      const theirs = await processor.process(makeEvent({ id: `${id}-b`, userid: 'bob', type: 'mail.arrived' }), { deliveryCount: 1 });
      assert.equal(theirs.kind === 'complete' && theirs.record.drivers.length, 0);
    }
  });
});

describe('keyed outputs', () => {
  const keyed = (keys: string[]) =>
    defineDriver({
      manifest: { id: 'keyed', name: 'Keyed', version: '1.0.0', type: 'tool', capabilities: ['k.go'] },
      async handle() {
        return keys.map((key) => ({ type: 'k.out', key }));
      },
    });

  it('an output with a key gets an id from (parent, driver, key), whatever its position', async () => {
    const parent = makeEvent({ id: 'k1', type: 'k.go' });
    const ab = emissionsOf(await kernelFixture([keyed(['a', 'b'])]).processor.process(parent, { deliveryCount: 1 }));
    const ba = emissionsOf(await kernelFixture([keyed(['b', 'a'])]).processor.process(parent, { deliveryCount: 1 }));
    assert.deepEqual(ab.map((event) => event.id), [keyedChildEventId(parent, 'keyed', 'a'), keyedChildEventId(parent, 'keyed', 'b')]);
    assert.deepEqual(ba.map((event) => event.id).reverse(), ab.map((event) => event.id));
    assert.notEqual(keyedChildEventId(parent, 'keyed', '0'), childEventId(parent, 'keyed', 0), 'a key never collides with a position');
  });

  it('two outputs with one key fail the driver', async () => {
    const outcome = await kernelFixture([keyed(['a', 'a'])]).processor.process(makeEvent({ id: 'k2', type: 'k.go' }), { deliveryCount: 1 });
    assert.equal(outcome.kind === 'complete' && outcome.record.drivers[0]?.error?.message.includes('two events with the key "a"'), true);
  });
});
