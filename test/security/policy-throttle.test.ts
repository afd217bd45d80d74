/**
 * The `throttle` action: its schema, how it ends evaluation (like a deny: a higher deny wins, a
 * lower one is not reached), the decision the authorizer makes of it (when the event runs again),
 * and the default rate rules, which throttle only events from outside.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { nextWindowStart, throttleRunAt, throttleSpreadMs, windowStart, type Envelope } from '../../src/kernel/index.js';
import { createSecuritySystem, DEFAULT_POLICIES } from '../../src/security/index.js';
import { compilePolicies, evaluatePolicies, parsePolicyDocument, type PolicyEntry, type PolicyEnvInput } from '../../src/security/policy/index.js';
import { makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';
import { envInput, global, ofUser, policy } from './policy-helpers.js';

function evaluate(entries: readonly PolicyEntry[], input: PolicyEnvInput = envInput()) {
  return evaluatePolicies(compilePolicies(entries), input, { userId: 'alice' });
}

const busy = (perMinute: number, perDay = perMinute) => ({ events_per_minute: perMinute, events_per_hour: perMinute, events_per_day: perDay, tokens_today: 0, tokens_month: 0, cost_today: 0, cost_month: 0 });

describe('throttle: the policy schema', () => {
  it('defaults the window to a minute and takes an optional reason', () => {
    const [minute, day] = parsePolicyDocument(
      'policies:\n  - { id: a, name: A, condition: "true", action: throttle }\n  - { id: b, name: B, condition: "true", action: throttle, config: { window: day, reason: too many } }\n',
      'yaml',
    );
    assert.deepEqual(minute?.action === 'throttle' && minute.config, { window: 'minute' });
    assert.deepEqual(day?.action === 'throttle' && day.config, { window: 'day', reason: 'too many' });
  });

  it('refuses a window it does not know and config of other actions', () => {
    const doc = (config: string) => `policies:\n  - { id: a, name: A, condition: "true", action: throttle, config: ${config} }\n`;
    assert.throws(() => parsePolicyDocument(doc('{ window: week }'), 'yaml'), /config\.window/);
    assert.throws(() => parsePolicyDocument(doc('{ restrictions: { external: false } }'), 'yaml'), /restrictions/);
  });
});

describe('throttle: evaluation', () => {
  it('stops evaluation with verdict throttle, naming the policy and its window', () => {
    const result = evaluate([
      global(policy({ id: 'note', condition: 'true', action: 'notify', priority: 20 })),
      global(policy({ id: 'slow-down', condition: 'usage.events_per_minute > 2', action: 'throttle', config: { window: 'hour', reason: 'busy' }, priority: 10 })),
      global(policy({ id: 'never-reached', condition: 'true', action: 'deny', priority: 5 })),
    ]);
    assert.equal(result.verdict, 'throttle');
    assert.equal(result.decidedBy, 'slow-down');
    assert.deepEqual(result.throttle, { policy: 'slow-down', window: 'hour', reason: 'busy' });
    assert.equal(result.reason, 'Throttled by policy "slow-down": busy; it runs again at the start of the next hour');
    assert.deepEqual(result.evaluated, ['note', 'slow-down'], 'a lower-priority deny is not reached');
    assert.deepEqual(result.matched, [{ id: 'note', action: 'notify' }, { id: 'slow-down', action: 'throttle' }]);
    assert.equal(result.notifications.length, 1, 'what matched before it still applies');
  });

  it('a deny of higher priority wins; a throttle whose condition is false lets the event through', () => {
    const denied = evaluate([
      global(policy({ id: 'deny-first', condition: 'true', action: 'deny', priority: 20 })),
      global(policy({ id: 'slow-down', condition: 'true', action: 'throttle', priority: 10 })),
    ]);
    assert.deepEqual([denied.verdict, denied.decidedBy, denied.throttle], ['deny', 'deny-first', undefined]);
    const calm = evaluate([global(policy({ id: 'slow-down', condition: 'usage.events_per_minute > 600', action: 'throttle' }))]);
    assert.equal(calm.verdict, 'allow');
  });

  it('a user may throttle their own events', () => {
    const result = evaluate([ofUser('alice', policy({ id: 'mine', condition: 'event.type == "task.create"', action: 'throttle' }))]);
    assert.deepEqual([result.verdict, result.throttle?.window], ['throttle', 'minute']);
  });

  it('a throttle condition that fails denies (fail closed), it does not throttle', () => {
    const result = evaluate([global(policy({ id: 'broken', condition: 'event.data.missing > 1', action: 'throttle' }))]);
    assert.deepEqual([result.verdict, result.decidedBy, result.throttle], ['deny', 'broken', undefined]);
  });
});

describe('throttle: the default rate rules', () => {
  const defaults = () => DEFAULT_POLICIES.map((p) => global(p));

  it('throttle events from outside past 600 a minute or 20,000 a day, to the next minute or day', () => {
    const minute = evaluate(defaults(), envInput({ usage: busy(601) }));
    assert.deepEqual([minute.verdict, minute.decidedBy, minute.throttle?.window], ['throttle', 'rate-limit-minute', 'minute']);
    const day = evaluate(defaults(), envInput({ usage: busy(10, 20_001) }));
    assert.deepEqual([day.verdict, day.decidedBy, day.throttle?.window], ['throttle', 'rate-limit-day', 'day']);
    assert.equal(evaluate(defaults(), envInput({ usage: busy(600, 20_000) })).verdict, 'allow', 'at the limit: still in');
  });

  it('never hold back an event inside the system: a plan of a thousand steps is neither throttled nor denied', () => {
    for (const depth of [1, 2, 7]) {
      const result = evaluate(defaults(), envInput({ event: { depth, type: 'plan.step' }, usage: busy(5000, 90_000) }));
      assert.equal(result.verdict, 'allow', `depth ${depth}: ${result.reason}`);
    }
  });
});

describe('throttle: the decision', () => {
  const NOW = new Date('2026-11-24T22:57:42.500Z');

  async function authorizeWith(yaml: string, event: Envelope) {
    const clock = new TestClock(NOW);
    const security = createSecuritySystem(new MemoryStateStore({ clock }), clock, silentLogger, { usageFlushMs: 0 });
    await security.policies.replace({ kind: 'global' }, parsePolicyDocument(yaml, 'yaml'), undefined);
    return security.authorizer.authorize(event);
  }

  it('says when the event runs: the next window start, plus a spread fixed by the event id', async () => {
    const yaml = 'policies:\n  - { id: slow, name: Slow, condition: "event.type == \'x.y\'", action: throttle, config: { window: hour } }\n';
    const { decision } = await authorizeWith(yaml, makeEvent({ id: 'evt-7', type: 'x.y' }));
    assert.equal(decision.allowed, false, 'no driver runs now');
    assert.equal(decision.verdict, 'throttle');
    assert.equal(decision.decidedBy, 'slow');
    const runAt = new Date('2026-11-24T23:00:00.000Z').getTime() + throttleSpreadMs('hour', 'evt-7');
    assert.deepEqual(decision.throttle, { policy: 'slow', window: 'hour', runAt: new Date(runAt).toISOString() });
  });

  it('spreads a burst over the first 5% of the window, the same way every time', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `evt-${i}`);
    const spreads = ids.map((id) => throttleSpreadMs('minute', id));
    assert.deepEqual(spreads, ids.map((id) => throttleSpreadMs('minute', id)), 'deterministic per id');
    assert.ok(spreads.every((ms) => ms >= 0 && ms < 3000));
    assert.ok(new Set(spreads).size > 350, 'not all on one millisecond');
    assert.ok(Math.max(...spreads) - Math.min(...spreads) > 2500, 'across the whole spread');
    for (const window of ['minute', 'hour', 'day'] as const) {
      const runAt = throttleRunAt(window, NOW, 'evt-1');
      assert.equal(windowStart(window, runAt).getTime(), nextWindowStart(window, NOW).getTime(), `${window}: in the next window`);
    }
    assert.equal(nextWindowStart('day', NOW).toISOString(), '2026-11-25T00:00:00.000Z');
  });
});
