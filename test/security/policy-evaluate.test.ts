/** Evaluating policy sets: every action, the order, fail-closed errors, CEL injection, run-time cost bounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { compilePolicies, createPolicyEnv, evaluatePolicies, type Evaluation, type PolicyEntry, type PolicyEnvInput } from '../../src/security/policy/index.js';
import { envInput, global, ofUser, policy } from './policy-helpers.js';

function evaluate(entries: readonly PolicyEntry[], input: PolicyEnvInput = envInput(), approvals?: (id: string) => 'approved' | 'rejected' | undefined): Evaluation {
  return evaluatePolicies(compilePolicies(entries), input, { userId: 'alice', ...(approvals && { approvals }) });
}

/** The verdict a lone policy with `condition` gives (its action: allow, so an error is visible as deny). */
function failsClosed(condition: string, input: PolicyEnvInput = envInput()): Evaluation {
  const result = evaluate([global(policy({ id: 'checked', condition, action: 'allow' }))], input);
  assert.equal(result.verdict, 'deny', `${condition}: ${result.reason}`);
  assert.equal(result.decidedBy, 'checked');
  const error = result.matched[0]?.error;
  assert.ok(error, 'the error is recorded');
  assert.ok(result.reason.includes(error), 'and given as the reason');
  assert.ok(result.reason.includes('fail closed'));
  return result;
}

describe('policy evaluation', () => {
  it('allows when nothing matches', () => {
    const result = evaluate([global(policy({ id: 'never', condition: 'false', action: 'deny' }))]);
    assert.deepEqual(result, {
      verdict: 'allow',
      reason: 'Allowed: no policy denied the event (1 evaluated)',
      evaluated: ['never'],
      matched: [],
      restrictions: {},
      notifications: [],
      logs: [],
    });
  });

  it('deny stops evaluation', () => {
    const result = evaluate([
      global(policy({ id: 'big-spender', condition: 'usage.cost_month > 10', action: 'deny', config: { reason: 'Budget exceeded' }, priority: 10 })),
      global(policy({ id: 'later', condition: 'true', action: 'log' })),
    ]);
    assert.equal(result.verdict, 'deny');
    assert.equal(result.decidedBy, 'big-spender');
    assert.equal(result.reason, 'Denied by policy "big-spender": Budget exceeded');
    assert.deepEqual(result.evaluated, ['big-spender']);
    assert.deepEqual(result.logs, []);
  });

  it('allow stops evaluation and keeps the restrictions matched before it', () => {
    const result = evaluate([
      global(policy({ id: 'no-external', condition: 'true', action: 'restrict', config: { restrictions: { external: false } }, priority: 30 })),
      global(policy({ id: 'trusted', condition: 'event.type.startsWith("task.")', action: 'allow', priority: 20 })),
      global(policy({ id: 'deny-all', condition: 'true', action: 'deny', priority: 10 })),
      global(policy({ id: 'redact', condition: 'true', action: 'restrict', config: { restrictions: { redactPii: true } }, priority: 5 })),
    ]);
    assert.equal(result.verdict, 'allow');
    assert.equal(result.decidedBy, 'trusted');
    assert.deepEqual(result.restrictions, { external: false });
    assert.deepEqual(result.evaluated, ['no-external', 'trusted']);
    assert.match(result.reason, /Allowed by policy "trusted".*restricted by "no-external"/);
  });

  it('merges every matched restriction', () => {
    const result = evaluate([
      global(policy({ id: 'r1', condition: 'true', action: 'restrict', config: { restrictions: { models: { allow: ['a', 'b'], maxCostPer1kTokens: 0.01 } } } })),
      global(policy({ id: 'r2', condition: 'true', action: 'restrict', config: { restrictions: { models: { allow: ['b', 'c'], maxCostPer1kTokens: 0.001 }, drivers: { deny: ['web'] } } } })),
      global(policy({ id: 'r3', condition: 'false', action: 'restrict', config: { restrictions: { external: false } } })),
    ]);
    assert.equal(result.verdict, 'allow');
    assert.deepEqual(result.restrictions, { models: { allow: ['b'], maxCostPer1kTokens: 0.001 }, drivers: { deny: ['web'] } });
    assert.deepEqual(result.matched, [{ id: 'r1', action: 'restrict' }, { id: 'r2', action: 'restrict' }]);
  });

  it('log and notify record and continue', () => {
    const result = evaluate([
      global(policy({ id: 'audit', condition: 'true', action: 'log', config: { message: 'seen' }, priority: 2 })),
      global(policy({ id: 'tell', condition: 'true', action: 'notify', config: { to: ['admin'], message: 'heads up' }, priority: 1 })),
      global(policy({ id: 'tell-user', name: 'Task created', condition: 'true', action: 'notify' })),
    ]);
    assert.equal(result.verdict, 'allow');
    assert.deepEqual(result.logs, [{ policy: 'audit', message: 'seen' }]);
    assert.deepEqual(result.notifications, [
      { policy: 'tell', to: ['admin'], message: 'heads up' },
      { policy: 'tell-user', to: ['user'], message: 'Policy "Task created" matched' },
    ]);
  });

  it('require_approval parks, continues when approved, denies when rejected', () => {
    const entries = [
      global(policy({ id: 'ask', condition: 'event.type == "task.create"', action: 'require_approval', config: { reason: 'Tasks need a yes' }, priority: 5 })),
      global(policy({ id: 'after', condition: 'true', action: 'log' })),
    ];
    const parked = evaluate(entries);
    assert.equal(parked.verdict, 'require_approval');
    assert.deepEqual(parked.approval, { policy: 'ask', reason: 'Tasks need a yes' });
    assert.equal(parked.decidedBy, 'ask');
    const asked: string[] = [];
    const approved = evaluate(entries, envInput(), (id) => (asked.push(id), 'approved'));
    assert.equal(approved.verdict, 'allow');
    assert.deepEqual(asked, ['ask']);
    assert.deepEqual(approved.logs.map((l) => l.policy), ['after']);
    const rejected = evaluate(entries, envInput(), () => 'rejected');
    assert.equal(rejected.verdict, 'deny');
    assert.equal(rejected.decidedBy, 'ask');
    assert.equal(rejected.approval, undefined);
  });

  it('applies global policies by applies_to and user policies only to their owner', () => {
    const entries = [
      global(policy({ id: 'for-bob', condition: 'true', action: 'deny', applies_to: ['bob'] })),
      ofUser('carol', policy({ id: 'carols', condition: 'true', action: 'deny', applies_to: ['*'] })),
      global(policy({ id: 'disabled', condition: 'true', action: 'deny', enabled: false })),
      ofUser('alice', policy({ id: 'alices', condition: 'true', action: 'log' })),
    ];
    const result = evaluate(entries);
    assert.equal(result.verdict, 'allow');
    assert.deepEqual(result.evaluated, ['alices']);
    const set = compilePolicies(entries);
    assert.equal(evaluatePolicies(set, envInput(), { userId: 'bob' }).decidedBy, 'for-bob');
    assert.equal(evaluatePolicies(set, envInput(), { userId: 'carol' }).decidedBy, 'carols');
  });

  it('reads ints and doubles naturally', () => {
    const input = envInput({ usage: { events_per_minute: 700, events_per_hour: 700, events_per_day: 700, tokens_today: 0, tokens_month: 0, cost_today: 0, cost_month: 60.25 } });
    for (const [condition, expected] of [
      ['usage.cost_month > 50', true],
      ['usage.events_per_minute > 600', true],
      ['usage.cost_month >= 60.25 && usage.cost_month < 61', true],
      ['usage.events_per_minute == 700', true],
      ['usage.events_per_minute > 700.5', false],
      ['double(usage.tokens_today) / 1000.0 < 1.0', true],
      ['event.data.count > 2 && event.data.count == 3', true],
      ['event.time > timestamp("2024-01-01T00:00:00Z") && event.time.getHours() == 12', true],
      ['event.time - timestamp("2024-05-01T11:00:00Z") == duration("1h")', true],
    ] as const) {
      const result = evaluate([global(policy({ id: 'p', condition, action: 'deny' }))], { ...input, event: { ...input.event, data: { count: 3 } } });
      assert.equal(result.verdict, expected ? 'deny' : 'allow', `${condition}: ${result.reason}`);
    }
  });

  it('fails closed on errors and non-boolean results', () => {
    const input = envInput({ event: { data: { title: 'x', flag: 'yes', zero: 0 } } });
    assert.match(failsClosed('event.depth / 0 > 1', input).reason, /division by zero/);
    assert.match(failsClosed('event.data.nope.deeper == 1', input).reason, /nope/);
    assert.match(failsClosed('event.data.flag', input).reason, /returned a string instead of a bool/);
    assert.match(failsClosed('event.data.title + 1 == 2', input).reason, /overload/);
    failsClosed('event.data.title > 3', input);
  });

  it('fails closed when the caller did not pass what a condition reads', () => {
    const result = failsClosed('usage.cost_month > 1.0', { ...envInput(), usage: undefined });
    assert.match(result.reason, /needs\.usage/);
  });

  it('never throws for an environment it cannot convert, or an approvals callback that throws', () => {
    const bad = evaluate([global(policy({ id: 'p', condition: 'true', action: 'allow' }))], envInput({ event: { depth: Number.NaN } }));
    assert.equal(bad.verdict, 'deny');
    assert.match(bad.reason, /event\.depth/);
    const badTime = evaluate([global(policy({ id: 'p', condition: 'true', action: 'allow' }))], envInput({ event: { time: 'yesterday' } }));
    assert.equal(badTime.verdict, 'deny');
    const throwing = evaluate([global(policy({ id: 'ask', condition: 'true', action: 'require_approval' }))], envInput(), () => {
      throw new Error('store down');
    });
    assert.equal(throwing.verdict, 'deny');
    assert.match(throwing.reason, /store down/);
  });

  it('treats event data that looks like CEL as data', () => {
    const payloads = ['true || true', '") || true || ("', "' || true || '", 'event.type == event.type', '1 == 1'];
    for (const text of payloads) {
      const input = envInput({ event: { type: 'note.create', subject: text, data: { text, nested: { text } } } });
      const result = evaluate(
        [
          global(policy({ id: 'only-safe', condition: 'event.data.text == "safe" || event.subject == "safe" || event.data.nested.text.startsWith("safe")', action: 'allow', priority: 5 })),
          global(policy({ id: 'deny-rest', condition: 'true', action: 'deny' })),
        ],
        input,
      );
      assert.equal(result.decidedBy, 'deny-rest', text);
    }
  });

  it('bounds the cost of comprehensions by the sizes in the event', () => {
    const condition = 'event.data.items.exists(x, event.data.items.exists(y, x == y + 1.0))';
    const small = evaluate([global(policy({ id: 'pairs', condition, action: 'deny' }))], envInput({ event: { data: { items: [1, 2, 3] } } }));
    assert.equal(small.decidedBy, 'pairs');
    assert.equal(small.matched[0]?.error, undefined);
    const items = Array.from({ length: 2000 }, (_, i) => i * 10);
    const big = failsClosed(condition, envInput({ event: { data: { items } } }));
    assert.match(big.reason, /estimated cost/);
  });

  it('bounds a comprehension over a field by that field alone, not by the largest thing in the event', () => {
    // 200,000 items in the data: measured over the whole event the bound would be over the limit.
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    const kinds = evaluate([global(policy({ id: 'p', condition: "pii.kinds.all(k, k == 'email')", action: 'deny' }))], envInput({ event: { data: { items } }, pii: { found: true, kinds: ['email'] } }));
    assert.deepEqual({ verdict: kinds.verdict, error: kinds.matched[0]?.error }, { verdict: 'deny', error: undefined });
    const paths = evaluate([global(policy({ id: 'p', condition: 'context.paths.exists(p, p.startsWith("/Personal"))', action: 'deny' }))], envInput({ event: { data: { items } }, context: { path: '/Personal/a', paths: ['/Personal/a'] } }));
    assert.deepEqual({ verdict: paths.verdict, error: paths.matched[0]?.error }, { verdict: 'deny', error: undefined });
    // The same range with a body that reads the event is still bounded by the event's sizes.
    assert.match(failsClosed('context.paths.exists(p, event.type.startsWith(p))', envInput({ event: { data: { items } }, context: { path: '/a', paths: ['/a'] } })).reason, /estimated cost/);
    // And a comprehension over the big field itself fails closed as before.
    assert.match(failsClosed('event.data.items.exists(x, event.data.items.exists(y, x == y + 1.0))', envInput({ event: { data: { items: items.slice(0, 2000) } } })).reason, /estimated cost/);
  });

  it('bounds regular expressions by the length of what they match', () => {
    const unanchored = 'event.data.text.matches(".*x")';
    const long = 'a'.repeat(1000);
    assert.match(failsClosed(unanchored, envInput({ event: { data: { text: long } } })).reason, /estimated cost/);
    const ok = evaluate([global(policy({ id: 'p', condition: unanchored, action: 'deny' }))], envInput({ event: { data: { text: 'abx' } } }));
    assert.equal(ok.verdict, 'deny');
    assert.equal(ok.matched[0]?.error, undefined);
    // Anchored, one quantifier: linear, so a long string is fine.
    const anchored = evaluate([global(policy({ id: 'p', condition: 'event.data.text.matches("^a+$")', action: 'deny' }))], envInput({ event: { data: { text: 'a'.repeat(50_000) } } }));
    assert.equal(anchored.verdict, 'deny');
    assert.equal(anchored.matched[0]?.error, undefined);
  });

  it('accepts a prebuilt environment and gives the same result', () => {
    const set = compilePolicies([global(policy({ id: 'p', condition: 'context.path.startsWith("/Personal/")', action: 'restrict', config: { restrictions: { external: false } } }))]);
    const input = envInput({ context: { path: '/Personal/diary' } });
    assert.deepEqual(evaluatePolicies(set, createPolicyEnv(input), { userId: 'alice' }), evaluatePolicies(set, input, { userId: 'alice' }));
  });
});
