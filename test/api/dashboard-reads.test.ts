/**
 * What the operator's dashboard reads of schedules, approvals and plans: each schedule's next
 * fire time, the approvals waiting, each plan node's input as written and as resolved, and
 * (admins, with `?user=`) another user's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, assertProblem, processQueued, send } from './helpers.js';

const JSON_BODY = { 'content-type': 'application/json' };

describe('GET /api/schedules for the dashboard', () => {
  it('shows each schedule with its next fire time, to its owner and to an admin', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const created = await send(fixture, 'POST', '/api/schedules', { token, headers: JSON_BODY, body: JSON.stringify({ id: 'daily', event: { type: 'report.build' }, cron: '0 9 * * *', timezone: 'UTC' }) });
    assert.equal(created.status, 201, created.text);
    const mine = (await send(fixture, 'GET', '/api/schedules', { token })).json() as { schedules: Array<{ id: string; nextFireAt?: string; status: string }> };
    assert.deepEqual(mine.schedules.map((each) => [each.id, each.status, each.nextFireAt]), [['daily', 'active', '2026-01-01T09:00:00.000Z']]);
    const admin = await fixture.adminToken();
    const theirs = (await send(fixture, 'GET', '/api/schedules?user=alice', { token: admin })).json() as { schedules: Array<{ id: string }> };
    assert.deepEqual(theirs.schedules.map((each) => each.id), ['daily']);
    const one = await send(fixture, 'GET', '/api/schedules/daily?user=alice', { token: admin });
    assert.equal((one.json() as { nextFireAt: string }).nextFireAt, '2026-01-01T09:00:00.000Z');
    const bob = await fixture.token('bob');
    assertProblem(await send(fixture, 'GET', '/api/schedules?user=alice', { token: bob }), 403);
    assertProblem(await send(fixture, 'GET', '/api/schedules/daily?user=alice', { token: bob }), 403);
    assertProblem(await send(fixture, 'GET', '/api/schedules/daily?user=no%20one', { token: admin }), 400, { field: 'user' });
  });
});

describe('GET /api/approvals for the dashboard', () => {
  it('lists the waiting approvals, the owner\'s and (admins) another user\'s', async () => {
    const fixture = apiFixture();
    await fixture.services.security.approvals.request('alice', { id: 'apr_1', eventId: 'e1', eventType: 'ops.restart', policy: 'ops-approval', reason: 'ops needs a human', requestedAt: '2026-01-01T00:00:00.000Z' });
    const mine = (await send(fixture, 'GET', '/api/approvals', { token: await fixture.token('alice') })).json() as { approvals: Array<{ id: string; status: string }> };
    assert.deepEqual(mine.approvals.map((each) => [each.id, each.status]), [['apr_1', 'pending']]);
    const theirs = (await send(fixture, 'GET', '/api/approvals?user=alice', { token: await fixture.adminToken() })).json() as { approvals: unknown[] };
    assert.equal(theirs.approvals.length, 1);
    assertProblem(await send(fixture, 'GET', '/api/approvals?user=alice', { token: await fixture.token('bob') }), 403);
  });
});

describe('GET /api/plans/{id} for the dashboard', () => {
  const instruction = {
    id: 'notes',
    inputs: [{ name: 'text', type: 'string' }],
    plan: [
      { id: 'write', action: 'emit_event', event: { type: 'context.write', data: { path: '/Notes/a', content: '{{inputs.text}}' } } },
      { id: 'pause', action: 'sleep', duration: '5m', depends_on: ['write'] },
    ],
  };

  it('shows each node\'s status, attempts, input as written and as resolved', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    assert.equal((await send(fixture, 'POST', '/api/instructions', { token, headers: JSON_BODY, body: JSON.stringify(instruction) })).status, 201);
    const run = await send(fixture, 'POST', '/api/instructions/notes/run', { token, headers: JSON_BODY, body: JSON.stringify({ inputs: { text: 'hello' } }) });
    const { plan } = run.json() as { plan: string };
    await processQueued(fixture, [fixture.services.plans.driver]);
    const view = (await send(fixture, 'GET', `/api/plans/${plan}`, { token })).json() as {
      plan: { status: string };
      nodes: Array<{ id: string; status: string; input: Record<string, unknown>; resolvedInput?: unknown; attempts: Array<{ requestId?: string; status: string }> }>;
    };
    const [write, pause] = view.nodes;
    // No driver here handles context.write: the step ran once and failed, which the node shows.
    assert.equal(write!.status, 'failed');
    assert.deepEqual(write!.input, { event: { type: 'context.write', data: { path: '/Notes/a', content: '{{inputs.text}}' } } });
    assert.deepEqual(write!.resolvedInput, { path: '/Notes/a', content: 'hello' });
    assert.deepEqual(write!.attempts.map((attempt) => attempt.status), ['failed']);
    assert.ok(write!.attempts[0]!.requestId);
    assert.equal(pause!.status, 'pending', 'never started: its dependency failed');
    assert.deepEqual(pause!.input, { durationMs: 300_000 });
    assert.equal('resolvedInput' in pause!, false, 'a node that made no request has no resolved input');

    const admin = await fixture.adminToken();
    const listed = (await send(fixture, 'GET', '/api/plans?user=alice', { token: admin })).json() as { plans: Array<{ id: string }> };
    assert.deepEqual(listed.plans.map((each) => each.id), [plan]);
    assert.equal((await send(fixture, 'GET', `/api/plans/${plan}?user=alice`, { token: admin })).status, 200);
    assertProblem(await send(fixture, 'GET', `/api/plans/${plan}?user=alice`, { token: await fixture.token('bob') }), 403);
    assertProblem(await send(fixture, 'GET', '/api/plans?user=alice', { token: await fixture.token('bob') }), 403);
  });
});
