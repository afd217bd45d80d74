/**
 * Effectively-once on the embedded queue, with the real clock: a parent processed twice, with
 * what the first run emitted already committed, still has exactly one child of each kind.
 *
 * On this queue emit + record + acknowledge is one transaction, and a settle whose lease was
 * taken over is refused, so a crash or a lost lease never commits a run twice. A parent is
 * processed twice, each run committing, on two real paths:
 * - a retryable failure of one driver: the retry commits its sibling's output and the record,
 *   then the redelivery runs again (drivers that succeeded are skipped, but the kernel's own
 *   children, such as `policy.notify`, are emitted again);
 * - an approval: the parked event's run commits `approval.requested` and `policy.notify`, and
 *   the run after approval evaluates the policies again.
 * In both, only deterministic child ids (plus duplicate detection) keep the second emission from
 * becoming a second child. Children are counted from the database file, over every user and table.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_POLICIES, parsePolicyDocument } from '../../src/security/index.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { childCounts, childrenInDatabase, type ChildrenByParent } from '../helpers/sqlite-children.js';

const PARENTS = 12;
const probe = resolve('test/fixtures/drivers/probe-driver.js');
const policies = parsePolicyDocument(
  JSON.stringify({
    policies: [
      // Higher priority than the approval, so it is evaluated (and notifies) on both runs.
      { id: 'tell-me', name: 'Tell me', condition: "event.type in ['flaky.run', 'wire.send']", action: 'notify', priority: 10 },
      { id: 'four-eyes', name: 'Four eyes', condition: "event.type == 'wire.send'", action: 'require_approval', priority: 0 },
    ],
  }),
  'json',
);

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({
    drivers: [
      // `flaky` fails retryably on attempt 1 of each flaky.run; `sibling` succeeds at once.
      { module: resolve('test/fixtures/drivers/flaky-driver.js') },
      { module: probe, options: { id: 'sibling', capabilities: ['flaky.run', 'wire.send'], external: false } },
    ],
    globalPolicies: [...DEFAULT_POLICIES, ...policies],
    // Processed by processor threads, as the host does by default.
    env: { VEXTIR_PROCESSOR_THREADS: '2' },
  });
});
afterAll(() => system.stop());

/** Children per parent, read from the file once the host stopped (so nothing is in flight). */
let counted: Promise<ChildrenByParent> | undefined;
function childrenAfterStop(): Promise<ChildrenByParent> {
  counted ??= system.host.stop().then(() => childrenInDatabase(join(system.dataDir, 'vextir.db')));
  return counted;
}

type RunView = { driver: string; status: string; attempt: number };

describe('effectively-once on the embedded queue (real clock)', () => {
  const retried: string[] = [];
  const approved: string[] = [];

  it('a retryable failure after a sibling emitted: the redelivery runs again', async () => {
    for (let i = 0; i < PARENTS; i += 1) retried.push(await system.emit('ann', 'flaky.run', { i }));
    for (const id of retried) {
      const record = await system.settled('ann', id, (r) => r.status === 'processed');
      // The scenario really happened: committed on attempt 1, run again on attempt 2.
      const runs = (record.drivers as RunView[]).map((run) => `${run.driver}:${run.status}@${run.attempt}`).sort();
      assert.deepEqual(runs, ['flaky:failed@1', 'flaky:succeeded@2', 'sibling:succeeded@1']);
    }
  });

  it('an approved event: the run after approval evaluates the policies again', async () => {
    for (let i = 0; i < PARENTS; i += 1) approved.push(await system.emit('bea', 'wire.send', { i }));
    for (const id of approved) await system.settled('bea', id, (r) => r.status === 'awaiting_approval');
    const { approvals } = (await (await system.request('bea', 'GET', '/api/approvals')).json()) as { approvals: Array<{ id: string; eventId: string }> };
    assert.equal(approvals.length, PARENTS);
    for (const approval of approvals) {
      const response = await system.request('bea', 'POST', `/api/approvals/${approval.id}`, { body: { decision: 'approve' } });
      assert.equal(response.status, 200);
    }
    for (const id of approved) {
      const record: RecordBody = await system.settled('bea', id, (r) => r.status === 'processed');
      assert.deepEqual(record.drivers.map((run) => `${run.driver}:${run.status}`), ['sibling:succeeded']);
    }
  });

  it('every retried parent has exactly one child of each kind, counted over the whole database', async () => {
    assert.equal(retried.length, PARENTS, 'the scenario above ran');
    const children = await childrenAfterStop();
    for (const id of retried) {
      assert.deepEqual(childCounts(children, 'ann', id), { 'flaky.done': 1, 'policy.notify': 1, 'probe.saw': 1 }, `children of ${id}`);
    }
  });

  it('every approved parent has exactly one child of each kind, counted over the whole database', async () => {
    assert.equal(approved.length, PARENTS, 'the scenario above ran');
    const children = await childrenAfterStop();
    for (const id of approved) {
      assert.deepEqual(childCounts(children, 'bea', id), { 'approval.requested': 1, 'policy.notify': 1, 'probe.saw': 1 }, `children of ${id}`);
    }
  });
});
