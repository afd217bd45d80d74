/**
 * ApprovalStore over the SQLite state store: listing by status finds pending approvals however
 * many decided ones sort before them (it pages through the state store).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ApprovalStore } from '../../src/security/authorization/index.js';
import { openTempStorage } from '../contracts/sqlite-harness.js';

const AT = new Date('2026-01-01T00:00:00.000Z');

function request(id: string) {
  return { id, eventId: `e-${id}`, eventType: 'payment.requested', policy: 'big-payments', reason: 'over 1000', requestedAt: AT.toISOString() };
}

describe('ApprovalStore', () => {
  it('lists by status past any number of approvals with another status, up to the limit, in id order', async () => {
    const storage = openTempStorage();
    try {
      const approvals = new ApprovalStore(storage.state);
      // 1,200 decided approvals whose ids sort first, then three pending ones.
      for (let i = 0; i < 1200; i += 1) {
        const id = `apr_a${String(i).padStart(4, '0')}`;
        await approvals.request('alice', request(id));
        await approvals.decide('alice', id, { status: 'approved', by: 'alice', at: AT });
      }
      for (const id of ['apr_z1', 'apr_z2', 'apr_z3']) await approvals.request('alice', request(id));

      assert.deepEqual((await approvals.list('alice', 'pending', 50)).map((approval) => approval.id), ['apr_z1', 'apr_z2', 'apr_z3']);
      assert.deepEqual((await approvals.list('alice', 'pending', 2)).map((approval) => approval.id), ['apr_z1', 'apr_z2']);
      assert.equal((await approvals.list('alice', 'approved', 1000)).length, 1000);
      assert.equal((await approvals.list('alice', undefined, 10)).length, 10);
      assert.deepEqual(await approvals.list('bob', 'pending', 10), []);
    } finally {
      storage.dispose();
    }
  });
});
