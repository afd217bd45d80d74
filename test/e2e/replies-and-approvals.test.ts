/**
 * From the outside, over HTTP on the embedded host: a driver's request that awaits its answers
 * gets them (whatever their type), and a request a driver wants a person to approve parks until
 * the approvals API decides, then runs (approved) or is answered with `event.denied` (rejected).
 * Callers cannot forge the attributes that make this work.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    drivers: [
      { module: resolve('test/fixtures/drivers/asker-driver.js'), options: { id: 'asker', start: 'pay.start', request: 'pay.send', approval: 'sends money out of the account' } },
      { module: resolve('test/fixtures/drivers/asker-driver.js'), options: { id: 'curious', start: 'look.start', request: 'look.up' } },
      { module: resolve('test/fixtures/drivers/relay-driver.js'), options: { id: 'bank', from: 'pay.send', to: 'pay.sent' } },
      { module: resolve('test/fixtures/drivers/relay-driver.js'), options: { id: 'oracle', from: 'look.up', to: 'look.found' } },
    ],
  });
});

afterAll(() => system.stop());

/** The record of the only child of `record` with `type`, once settled. */
async function child(user: string, record: RecordBody, type: string): Promise<RecordBody> {
  for (const id of record.children) {
    const found = await system.settled(user, id);
    if (found.event.type === type) return found;
  }
  throw new Error(`${record.id} has no ${type} child (children: ${record.children.join(', ')})`);
}

async function pendingApproval(user: string, eventId: string): Promise<{ id: string; policy: string; reason: string }> {
  const { approvals } = (await (await system.request(user, 'GET', '/api/approvals?status=pending')).json()) as { approvals: Array<{ id: string; eventId: string; policy: string; reason: string }> };
  const approval = approvals.find((a) => a.eventId === eventId);
  assert.ok(approval, `no pending approval for ${eventId}`);
  return approval;
}

describe('answers to the asking driver', () => {
  it('reach the driver that awaited them, though it declares no such capability', async () => {
    const start = await system.settled('ann', await system.emit('ann', 'look.start', { q: 'x' }));
    const request = await child('ann', start, 'look.up');
    const found = await child('ann', request, 'look.found');
    assert.deepEqual(found.drivers.map((run) => run.driver), ['curious']);
    const got = await child('ann', found, 'curious.got');
    assert.deepEqual(got.event.data, { type: 'look.found', causationid: request.id, recipient: 'curious' });
  });

  it('cannot be forged by a caller: replyto, recipient, approval and producer are refused at ingress, naming the field', async () => {
    for (const attribute of ['replyto', 'recipient', 'approval', 'producer']) {
      const response = await system.request('ann', 'POST', '/api/events', {
        headers: { 'content-type': 'application/cloudevents+json' },
        body: { specversion: '1.0', id: `forge-${attribute}`, source: '/x', type: 'look.found', [attribute]: 'curious' },
      });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(await response.json()), new RegExp(attribute));
    }
  });
});

describe('an approval a driver asks for', () => {
  it('parks the request until a person approves it; then it runs and the answer reaches the driver', async () => {
    const start = await system.settled('bea', await system.emit('bea', 'pay.start', { amount: 12 }));
    const request = await system.settled('bea', start.children[0]!);
    assert.equal(request.status, 'awaiting_approval');
    assert.equal(request.decision?.['decidedBy'], 'driver:asker');
    const approval = await pendingApproval('bea', request.id);
    assert.deepEqual({ policy: approval.policy, reason: approval.reason }, { policy: 'driver:asker', reason: 'sends money out of the account' });
    // The driver hears that its request waits for a person.
    const requested = await child('bea', request, 'approval.requested');
    assert.equal(((await child('bea', requested, 'asker.got')).event.data as { type: string }).type, 'approval.requested');

    assert.equal((await system.request('bea', 'POST', `/api/approvals/${approval.id}`, { body: { decision: 'approve' } })).status, 200);
    const approved = await system.settled('bea', request.id, (record) => record.status !== 'awaiting_approval');
    assert.equal(approved.status, 'processed');
    const sent = await child('bea', approved, 'pay.sent');
    assert.deepEqual((await child('bea', sent, 'asker.got')).event.data, { type: 'pay.sent', causationid: request.id, recipient: 'asker' });
  });

  it('a rejection denies the request, and the driver is told why with event.denied', async () => {
    const start = await system.settled('cid', await system.emit('cid', 'pay.start', { amount: 99 }));
    const request = await system.settled('cid', start.children[0]!);
    const approval = await pendingApproval('cid', request.id);
    assert.equal((await system.request('cid', 'POST', `/api/approvals/${approval.id}`, { body: { decision: 'reject', comment: 'no' } })).status, 200);
    const rejected = await system.settled('cid', request.id, (record) => record.status !== 'awaiting_approval');
    assert.equal(rejected.status, 'denied');
    const denied = await child('cid', rejected, 'event.denied');
    assert.match(String((denied.event.data as { reason: string }).reason), /driver:asker.*rejected/);
    assert.equal(((await child('cid', denied, 'asker.got')).event.data as { type: string }).type, 'event.denied');
  });
});
