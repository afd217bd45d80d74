/**
 * The policy engine from the outside: policies managed over HTTP, and every action doing
 * something real to events sent over HTTP to the running embedded system.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { nextWindowStart } from '../../src/kernel/index.js';
import { DEFAULT_POLICIES } from '../../src/security/index.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';

const probe = resolve('test/fixtures/drivers/probe-driver.js');
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({
    drivers: [
      { module: probe, options: { id: 'inside', capabilities: ['mail.*', 'ai.*', 'ops.*', 'context.*'], external: false } },
      { module: probe, options: { id: 'outside', capabilities: ['mail.*', 'ops.*', 'context.*'], external: true } },
      { module: probe, options: { id: 'agent', type: 'agent', capabilities: ['ai.*'], external: true, costUsd: 30, tokens: 1000 } },
    ],
  });
});
afterAll(() => system.stop());

async function putPolicies(user: string, yaml: string, init: { admin?: boolean; global?: boolean; ifMatch?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/yaml' };
  if (init.ifMatch) headers['if-match'] = init.ifMatch;
  return system.request(user, 'PUT', `/api/policies?scope=${init.global ? 'global' : 'user'}`, { body: yaml, headers, admin: init.admin ?? false });
}

async function outputsOf(user: string, record: RecordBody): Promise<RecordBody[]> {
  return Promise.all(record.children.map((id) => system.settled(user, id)));
}

describe('policies over HTTP', () => {
  it('starts with the default global policies and an empty set of the user\'s own', async () => {
    const response = await system.request('alice', 'GET', '/api/policies');
    const body = (await response.json()) as { global: { policies: Array<{ id: string }> }; user: { policies: unknown[]; etag: null } };
    assert.deepEqual(body.global.policies.map((p) => p.id), DEFAULT_POLICIES.map((p) => p.id));
    assert.deepEqual(body.user, { policies: [], etag: null });
  });

  it('stores a YAML set with an ETag, refuses a stale If-Match, and audits the change', async () => {
    const first = await putPolicies('carol', 'policies:\n  - { id: quiet, name: Quiet, condition: "event.type == \'x.noise\'", action: deny }\n');
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const second = await putPolicies('carol', 'policies: []\n', { ifMatch: etag });
    assert.equal(second.status, 200);
    const stale = await putPolicies('carol', 'policies: []\n', { ifMatch: etag });
    assert.equal(stale.status, 412);
    const audit = (await (await system.request('carol', 'GET', '/api/audit')).json()) as { entries: Array<{ kind: string; action?: string }> };
    assert.equal(audit.entries.filter((entry) => entry.kind === 'admin' && entry.action === 'policies.put').length, 2);
  });

  it('rejects bad policies with a 400 that names the policy and the reason', async () => {
    const badCel = await putPolicies('alice', 'policies:\n  - { id: broken, name: B, condition: "event.type ==", action: deny }\n');
    assert.equal(badCel.status, 400);
    assert.match(((await badCel.json()) as { detail: string }).detail, /broken/);
    const unknownField = await putPolicies('alice', 'policies:\n  - { id: typo, name: T, condition: "usage.cost_mnth > 1.0", action: deny }\n');
    assert.equal(unknownField.status, 400);
    assert.match(((await unknownField.json()) as { detail: string }).detail, /typo/);
    const reserved = await putPolicies('alice', 'policies:\n  - { id: sneaky, name: S, condition: "true", action: allow, priority: 5000 }\n');
    assert.equal(reserved.status, 400);
    assert.match(((await reserved.json()) as { detail: string }).detail, /1000|global/);
  });

  it('lets only an admin replace the global set', async () => {
    const yaml = (await (await system.request('alice', 'GET', '/api/policies?scope=global', { headers: { accept: 'application/yaml' } })).text());
    const refused = await putPolicies('alice', yaml, { global: true });
    assert.equal(refused.status, 403);
    const allowed = await putPolicies('root', yaml, { global: true, admin: true });
    assert.equal(allowed.status, 200);
  });
});

describe('what each action does to an event', () => {
  it('deny: the event is denied, with the policy and its reason, and no driver runs', async () => {
    assert.equal((await putPolicies('dan', 'policies:\n  - { id: no-ops, name: No ops, condition: "event.type.startsWith(\'ops.\')", action: deny, config: { reason: "ops is closed" } }\n')).status, 200);
    const record = await system.settled('dan', await system.emit('dan', 'ops.restart', {}));
    assert.equal(record.status, 'denied');
    assert.equal(record.decision?.['decidedBy'], 'no-ops');
    assert.match(record.decision?.reason ?? '', /ops is closed/);
    assert.deepEqual(record.drivers, []);
  });

  it('fails closed: a condition that errors on this event denies it, naming the error', async () => {
    assert.equal((await putPolicies('erin', 'policies:\n  - { id: fragile, name: F, condition: "event.data.amount > 10.0", action: log }\n')).status, 200);
    const record = await system.settled('erin', await system.emit('erin', 'ops.pay', { note: 'no amount here' }));
    assert.equal(record.status, 'denied');
    assert.equal(record.decision?.['decidedBy'], 'fragile');
    const matched = record.decision?.['matched'] as Array<{ id: string; error?: string }>;
    assert.ok(matched.some((m) => m.id === 'fragile' && m.error));
  });

  it('restrict: an external driver is skipped when data may not leave, the internal one runs', async () => {
    assert.equal((await putPolicies('fay', 'policies:\n  - { id: keep-in, name: Keep in, condition: "event.type == \'ops.secret\'", action: restrict, config: { restrictions: { external: false } } }\n')).status, 200);
    const record = await system.settled('fay', await system.emit('fay', 'ops.secret', { plan: 'x' }));
    assert.equal(record.status, 'processed');
    const runs = Object.fromEntries(record.drivers.map((run) => [run.driver, run]));
    assert.equal(runs['inside']?.status, 'succeeded');
    assert.equal(runs['outside']?.status, 'skipped');
    assert.match(runs['outside']?.error?.message ?? '', /outside the system/);
  });

  it('PII protection (a default policy): external drivers see redacted data, internal ones the original', async () => {
    const data = { to: 'jane.doe@example.com', card: '4111 1111 1111 1111', text: 'call me' };
    const record = await system.settled('gus', await system.emit('gus', 'mail.send', data));
    assert.equal(record.status, 'processed');
    assert.deepEqual(record.decision?.['pii'], ['email', 'payment_card']);
    const outputs = await outputsOf('gus', record);
    const saw = Object.fromEntries(outputs.map((o) => [(o.event.data as { driver: string }).driver, (o.event.data as { saw: Record<string, string> }).saw]));
    assert.deepEqual(saw['inside'], data);
    assert.equal(saw['outside']?.['text'], 'call me');
    assert.doesNotMatch(JSON.stringify(saw['outside']), /jane\.doe|4111/);
  });

  it('PII, per policy: a user may deny events carrying payment cards outright', async () => {
    assert.equal((await putPolicies('gil', "policies:\n  - { id: no-cards, name: No cards, condition: \"'payment_card' in pii.kinds\", action: deny }\n")).status, 200);
    const denied = await system.settled('gil', await system.emit('gil', 'mail.send', { body: 'card 4111-1111-1111-1111' }));
    assert.equal(denied.status, 'denied');
    assert.equal(denied.decision?.['decidedBy'], 'no-cards');
    const allowed = await system.settled('gil', await system.emit('gil', 'mail.send', { body: 'write to jane.doe@example.com' }));
    assert.equal(allowed.status, 'processed');
  });

  it('/Personal never leaves (a default policy): external drivers do not get events about it', async () => {
    const personal = await system.settled('gus', await system.emit('gus', 'context.read', { path: '/Personal/diary' }));
    // `context` is the built-in Context Hub driver: internal, so it may answer.
    assert.deepEqual(Object.fromEntries(personal.drivers.map((run) => [run.driver, run.status])), { context: 'succeeded', inside: 'succeeded', outside: 'skipped' });
    assert.equal(personal.decision?.['contextPath'], '/Personal/diary');
    const work = await system.settled('gus', await system.emit('gus', 'context.read', { path: '/Projects/Alpha' }));
    assert.deepEqual(Object.fromEntries(work.drivers.map((run) => [run.driver, run.status])), { context: 'succeeded', inside: 'succeeded', outside: 'succeeded' });
  });

  it('/Personal never leaves, also as results: a broad search that finds a /Personal document is not handed to external drivers', async () => {
    const put = await system.request('hank', 'PUT', '/api/context/Personal/diary', { body: 'my secret plans', headers: { 'content-type': 'text/plain' } });
    assert.equal(put.status, 201);
    assert.equal((await system.request('hank', 'PUT', '/api/context/Projects/plan', { body: 'public plans', headers: { 'content-type': 'text/plain' } })).status, 201);
    const resultOf = async (text: string) => {
      const request = await system.settled('hank', await system.emit('hank', 'context.search', { text }));
      const outputs = await outputsOf('hank', request);
      const result = outputs.find((output) => output.event.type === 'context.search.result');
      assert.ok(result, `a context.search.result for ${text}`);
      return result;
    };
    const secret = await resultOf('secret plans');
    assert.deepEqual(Object.fromEntries(secret.drivers.map((run) => [run.driver, run.status])), { inside: 'succeeded', outside: 'skipped' });
    const open = await resultOf('public');
    assert.deepEqual(Object.fromEntries(open.drivers.map((run) => [run.driver, run.status])), { inside: 'succeeded', outside: 'succeeded' });
  });

  it('log and notify: recorded in the decision, and notify emits policy.notify', async () => {
    assert.equal((await putPolicies('hal', 'policies:\n  - { id: tell-me, name: Tell me, condition: "event.type == \'ops.deploy\'", action: notify, config: { message: "a deploy happened" } }\n')).status, 200);
    const record = await system.settled('hal', await system.emit('hal', 'ops.deploy', {}));
    assert.equal(record.status, 'processed');
    const outputs = await outputsOf('hal', record);
    const notice = outputs.find((o) => o.event.type === 'policy.notify');
    assert.ok(notice, 'a policy.notify event was emitted');
    assert.deepEqual((notice.event.data as { policy: string; message: string }).message, 'a deploy happened');
  });

  it('require_approval: parks the event until approved, then runs it; a rejection denies; a decision is final', async () => {
    assert.equal((await putPolicies('ivy', 'policies:\n  - { id: four-eyes, name: Four eyes, condition: "event.type == \'ops.wire\'", action: require_approval, config: { reason: "wires need a second look" } }\n')).status, 200);
    const first = await system.settled('ivy', await system.emit('ivy', 'ops.wire', { amount: 10 }));
    assert.equal(first.status, 'awaiting_approval');
    assert.deepEqual(first.drivers, []);
    const requested = (await outputsOf('ivy', first)).find((o) => o.event.type === 'approval.requested');
    assert.ok(requested);
    const { approvals } = (await (await system.request('ivy', 'GET', '/api/approvals')).json()) as { approvals: Array<{ id: string; eventId: string }> };
    const approval = approvals.find((a) => a.eventId === first.id);
    assert.ok(approval);
    assert.equal((await system.request('mallory', 'POST', `/api/approvals/${approval.id}`, { body: { decision: 'approve' } })).status, 404);
    const approve = await system.request('ivy', 'POST', `/api/approvals/${approval.id}`, { body: { decision: 'approve', comment: 'checked' } });
    assert.equal(approve.status, 200);
    const done = await system.settled('ivy', first.id, (r) => r.status !== 'awaiting_approval');
    assert.equal(done.status, 'processed');
    assert.deepEqual(done.drivers.map((run) => run.status).sort(), ['succeeded', 'succeeded']);
    assert.equal((await system.request('ivy', 'POST', `/api/approvals/${approval.id}`, { body: { decision: 'reject' } })).status, 409);

    const second = await system.settled('ivy', await system.emit('ivy', 'ops.wire', { amount: 99 }));
    const other = ((await (await system.request('ivy', 'GET', '/api/approvals')).json()) as { approvals: Array<{ id: string; eventId: string }> }).approvals.find((a) => a.eventId === second.id);
    assert.ok(other);
    assert.equal((await system.request('ivy', 'POST', `/api/approvals/${other.id}`, { body: { decision: 'reject' } })).status, 200);
    const rejected = await system.settled('ivy', second.id, (r) => r.status !== 'awaiting_approval');
    assert.equal(rejected.status, 'denied');
    assert.match(rejected.decision?.reason ?? '', /reject/i);
  });

  it('budgets: what drivers report spending is counted, and the default budget policy then restricts models', async () => {
    const first = await system.settled('jon', await system.emit('jon', 'ai.ask', { q: 'one' }));
    assert.equal(first.status, 'processed');
    await system.settled('jon', await system.emit('jon', 'ai.ask', { q: 'two' }));
    const usage = ((await (await system.request('jon', 'GET', '/api/usage')).json()) as { usage: { cost_month: number; tokens_today: number } }).usage;
    assert.equal(usage.cost_month, 60);
    assert.equal(usage.tokens_today, 2000);
    const third = await system.settled('jon', await system.emit('jon', 'ai.ask', { q: 'three' }));
    assert.deepEqual(third.decision?.['restrictions'], { models: { maxCostPer1kTokens: 0.001 } });
    const agentOutput = (await outputsOf('jon', third)).find((o) => (o.event.data as { driver: string }).driver === 'agent');
    assert.deepEqual((agentOutput?.event.data as { restrictions: unknown }).restrictions, { models: { maxCostPer1kTokens: 0.001 } });
    // At $100 the hard limit denies events that ask for a model.
    await system.settled('jon', await system.emit('jon', 'ai.ask', { q: 'four' }));
    const denied = await system.settled('jon', await system.emit('jon', 'ai.ask', { q: 'five', model: 'gpt-4o' }));
    assert.equal(denied.status, 'denied');
    assert.equal(denied.decision?.['decidedBy'], 'monthly-cost-hard-limit');
  });
});

describe('POST /api/policies/test', () => {
  it('explains the decision an event would get without recording anything', async () => {
    const response = await system.request('kim', 'POST', '/api/policies/test', {
      body: { event: { type: 'ai.ask', data: { model: 'gpt-4o' } }, usage: { cost_month: 120 } },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { decision: { verdict: string; decidedBy: string }; environment: { model: string }; dryRun: boolean };
    assert.equal(body.decision.verdict, 'deny');
    assert.equal(body.decision.decidedBy, 'monthly-cost-hard-limit');
    assert.equal(body.environment.model, 'gpt-4o');
    const { events } = (await (await system.request('kim', 'GET', '/api/events')).json()) as { events: unknown[] };
    assert.deepEqual(events, []);
  });

  it('reports a throttle, and when the event would run: a root event past the rate limit waits; an internal one does not', async () => {
    const ask = async (depth: number) => {
      const before = Date.now();
      const response = await system.request('kim', 'POST', '/api/policies/test', { body: { event: { type: 'ops.x', depth }, usage: { events_per_minute: 601 } } });
      assert.equal(response.status, 200);
      return { before, after: Date.now(), body: (await response.json()) as { decision: { allowed: boolean; verdict: string; decidedBy?: string; throttle?: { policy: string; window: string; runAt: string } } } };
    };
    const { before, after, body } = await ask(0);
    assert.deepEqual([body.decision.allowed, body.decision.verdict, body.decision.decidedBy], [false, 'throttle', 'rate-limit-minute']);
    assert.deepEqual([body.decision.throttle?.policy, body.decision.throttle?.window], ['rate-limit-minute', 'minute']);
    const runAt = Date.parse(body.decision.throttle?.runAt ?? '');
    assert.ok(runAt >= nextWindowStart('minute', new Date(before)).getTime() && runAt < nextWindowStart('minute', new Date(after)).getTime() + 3000, 'the start of the next minute, give or take the spread');
    assert.equal((await ask(1)).body.decision.verdict, 'allow', 'inside the system the rate rules hold nothing back');
  });

  it('tests a draft of the caller\'s policies before they are stored', async () => {
    const response = await system.request('kim', 'POST', '/api/policies/test', {
      body: { event: { type: 'ops.x' }, policies: 'policies:\n  - { id: draft, name: D, condition: "event.type == \'ops.x\'", action: deny }\n' },
    });
    const body = (await response.json()) as { decision: { verdict: string; decidedBy: string } };
    assert.deepEqual([body.decision.verdict, body.decision.decidedBy], ['deny', 'draft']);
  });
});
