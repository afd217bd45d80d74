/**
 * Properties of the policy engine over random policies and environments: deterministic, blind to
 * input order, fail-closed for any condition text, never throwing for any event data, and the
 * fast path (guards.ts) deciding exactly what CEL decides.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { KernelError } from '../../src/kernel/index.js';
import { PolicyCompiler, compilePolicies, evaluatePolicies, type Policy, type PolicyEntry, type PolicyEnvInput } from '../../src/security/policy/index.js';
import { envInput, global, ofUser, policy } from './policy-helpers.js';

const text = fc.oneof(fc.constantFrom('', 'task.create', 'task.delete', 'llm.chat', '/Personal', '/Personal/x', '/Personalx', 'gpt-4o', 'é', '") || true || ("'), fc.string({ maxLength: 8 }));
const lit = (value: string): string => JSON.stringify(value);
const intLit = fc.integer({ min: -10, max: 2000 }).map(String);
const doubleLit = fc.double({ min: -10, max: 2000, noNaN: true }).map((d) => (Number.isInteger(d) ? `${d}.0` : String(d)));
const op = fc.constantFrom('==', '!=', '<', '<=', '>', '>=');

/** Conditions the fast path covers, and some it does not (which CEL then runs). */
const atom: fc.Arbitrary<string> = fc.oneof(
  text.map((t) => `event.type == ${lit(t)}`),
  fc.tuple(fc.constantFrom('startsWith', 'endsWith', 'contains'), fc.constantFrom('event.type', 'context.path', 'model', 'event.source'), text).map(([m, f, t]) => `${f}.${m}(${lit(t)})`),
  fc.tuple(fc.constantFrom('usage.events_per_minute', 'usage.tokens_today', 'event.depth'), op, fc.oneof(intLit, doubleLit)).map(([f, o, n]) => `${f} ${o} ${n}`),
  fc.tuple(fc.constantFrom('usage.cost_month', 'usage.cost_today'), fc.constantFrom('<', '<=', '>', '>='), fc.oneof(intLit, doubleLit)).map(([f, o, n]) => `${f} ${o} ${n}`),
  fc.tuple(op, doubleLit).map(([o, n]) => `usage.cost_month ${o} ${n}`),
  fc.tuple(intLit, fc.constantFrom('<', '>')).map(([n, o]) => `${n} ${o} usage.events_per_minute`),
  fc.array(text, { maxLength: 4 }).map((list) => `model in [${list.map(lit).join(', ')}]`),
  fc.constantFrom('pii.found', 'pii.found == true', 'true', 'false', '-5 < event.depth'),
  fc.constantFrom('has(event.data.amount) && event.data.amount > 10', 'size(pii.kinds) > 0', 'event.data.items.exists(x, x == "a")', 'event.category == "input" && event.data.flag'),
  // `exists` over the environment's typed lists: prefiltered on the list being non-empty.
  text.map((t) => `context.paths.exists(p, p == ${lit(t)} || p.startsWith(${lit(t)}))`),
  fc.constantFrom('pii.kinds.exists(k, k == "email")', 'pii.kinds.exists_one(k, k.startsWith("e"))', 'context.paths.exists(p, p.size() > 1000 / (size(p) - size(p)))'),
);
const condition: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: atom },
  { weight: 2, arbitrary: fc.tuple(atom, fc.constantFrom('&&', '||'), atom).map(([a, o, b]) => `${a} ${o} ${b}`) },
  { weight: 1, arbitrary: fc.tuple(atom, atom, atom).map(([a, b, c]) => `!(${a}) && (${b} || ${c})`) },
);

/**
 * Conditions that compile (they read `event.data`, which the checker types `dyn`, or divide by a
 * value it cannot know is zero) and then fail at run time on `failingData`: a string plus an
 * int, size() of a number, division and modulo by zero, missing keys, comparisons across types,
 * a non-bool result, bad conversions, an index out of range. Wrapped only in ways that keep the
 * error (CEL's `error || true` is true, so never next to a condition that could decide alone).
 */
const missingKey = fc.constantFrom('zz', 'missing', 'amount_x', 'q1');
const failingAtom: fc.Arbitrary<string> = fc.oneof(
  intLit.map((n) => `event.data.s + ${n} > 0`),
  intLit.map((n) => `event.data.n + ${n} > 0`),
  intLit.map((n) => `size(event.data.n) > ${n}`),
  intLit.map((n) => `${n} / (event.depth - event.depth) > 0`),
  fc.constantFrom('event.depth % (event.depth - event.depth) == 0', 'size(event.data.s) / 0 > 1', 'event.data.l.all(x, x / 0 > 0)'),
  fc.tuple(missingKey, text).map(([key, t]) => `event.data.${key} == ${lit(t)}`),
  fc.tuple(fc.constantFrom('s', 'n', 'l', 'm'), missingKey).map(([field, key]) => `event.data.${field}.${key} == 1`),
  fc.tuple(fc.constantFrom('s', 'l', 'm'), fc.constantFrom('<', '<=', '>', '>='), intLit).map(([field, o, n]) => `event.data.${field} ${o} ${n}`),
  fc.constantFrom('event.data.s', 'event.data.n', 'event.data.l', 'event.data.m', '!event.data.s', 'event.data.l.exists(x, x.y == 1)'),
  fc.integer({ min: 100, max: 10_000 }).map((i) => `event.data.l[${i}] == 1`),
  fc.constantFrom('int(event.data.s) > 0', 'double(event.data.s) > 0.0', 'timestamp(event.data.s) > event.time', 'duration(event.data.s) > duration("1s")'),
  intLit.map((n) => `event.data.s.startsWith(${n})`),
);
const failingCondition = fc
  .tuple(failingAtom, fc.constantFrom('A', '!(A)', '(A) && true', 'true && (A)', 'false || (A)', '(A) || false', 'event.depth >= 0 && (A)'))
  .map(([atom, wrapper]) => wrapper.replace('A', atom));
/** Data the failing conditions fail on: `s` never parses as a number, time or duration; `l` is never empty. */
const failingData = fc.record({
  s: fc.string({ maxLength: 6 }).map((s) => `x${s}`),
  n: fc.oneof(fc.integer({ min: -100, max: 100 }), fc.double({ min: -100, max: 100, noNaN: true })),
  l: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 3 }),
  m: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 3 })),
});

const restrictions = fc.constantFrom({ external: false }, { redactPii: true }, { models: { maxCostPer1kTokens: 0.001 } }, { drivers: { deny: ['web'] } });
const policyArb = (id: string): fc.Arbitrary<Policy> =>
  fc
    .record({
      condition,
      action: fc.constantFrom('allow', 'deny', 'restrict', 'log', 'notify', 'require_approval', 'throttle'),
      priority: fc.integer({ min: -3, max: 3 }),
      restriction: restrictions,
      enabled: fc.boolean(),
    })
    .map(({ condition: c, action, priority, restriction, enabled }) =>
      policy({ id, condition: c, action, priority, enabled, ...(action === 'restrict' ? { config: { restrictions: restriction } } : {}) }),
    );

const entriesArb: fc.Arbitrary<PolicyEntry[]> = fc
  .array(fc.tuple(fc.constantFrom('global', 'alice', 'bob'), fc.nat()), { minLength: 1, maxLength: 8 })
  .chain((shapes) =>
    fc.tuple(...shapes.map(([scope], i) => policyArb(`p${i}`).map((p): PolicyEntry => (scope === 'global' ? global(p) : ofUser(scope, { ...p, priority: Math.min(p.priority, 999) }))))),
  );

const envArb: fc.Arbitrary<PolicyEnvInput> = fc
  .record({
    type: text,
    source: text,
    path: text,
    model: text,
    depth: fc.integer({ min: 0, max: 20 }),
    perMinute: fc.oneof(fc.constantFrom(0, 600, 601, 2000), fc.nat({ max: 5000 })),
    tokens: fc.nat({ max: 200_000 }),
    cost: fc.oneof(fc.constantFrom(0, 50, 50.5, 100), fc.double({ min: 0, max: 500, noNaN: true })),
    pii: fc.boolean(),
    data: fc.oneof(fc.constant({ amount: 20, items: ['a', 'b'], flag: true }), fc.jsonValue()),
  })
  .map((r) =>
    envInput({
      event: { type: r.type, source: r.source, depth: r.depth, data: r.data },
      context: { path: r.path },
      model: r.model,
      usage: { events_per_minute: r.perMinute, events_per_hour: r.perMinute, events_per_day: r.perMinute * 10, tokens_today: r.tokens, tokens_month: r.tokens, cost_today: r.cost / 10, cost_month: r.cost },
      pii: { found: r.pii, kinds: r.pii ? ['email'] : [] },
    }),
  );

/** Compiles, or returns undefined when the generated set is (legitimately) refused. */
function tryCompile(entries: readonly PolicyEntry[], compiler?: PolicyCompiler) {
  try {
    return compiler ? compiler.compile(entries) : compilePolicies(entries);
  } catch (error) {
    assert.ok(error instanceof KernelError && error.code === 'invalid_input', String(error));
    return undefined;
  }
}

const user = fc.constantFrom('alice', 'bob', 'carol');
const approvals = fc.func(fc.constantFrom('approved' as const, 'rejected' as const, undefined));

describe('policy engine properties', () => {
  it('is deterministic', () => {
    fc.assert(
      fc.property(entriesArb, envArb, user, approvals, (entries, env, userId, approve) => {
        const set = tryCompile(entries);
        if (!set) return;
        const again = tryCompile(entries);
        assert.deepEqual(evaluatePolicies(set, env, { userId, approvals: approve }), evaluatePolicies(again!, env, { userId, approvals: approve }));
      }),
      { numRuns: 150 },
    );
  });

  it('does not depend on the order policies are given in', () => {
    fc.assert(
      fc.property(entriesArb, envArb, user, fc.infiniteStream(fc.nat()), (entries, env, userId, randoms) => {
        const set = tryCompile(entries);
        if (!set) return;
        const keys = [...randoms.take(entries.length)];
        const shuffled = entries.map((entry, i) => ({ entry, key: keys[i] ?? 0 })).sort((a, b) => a.key - b.key).map(({ entry }) => entry);
        assert.deepEqual(evaluatePolicies(tryCompile(shuffled)!, env, { userId }), evaluatePolicies(set, env, { userId }));
      }),
      { numRuns: 150 },
    );
  });

  it('fails closed for any condition text: refused at compile, or never allowed because of an error', () => {
    const tokens = fc.constantFrom('event', '.', 'data', 'type', '(', ')', '[', ']', '"x"', '1', '0', '/', '+', '&&', '||', '!', '==', '>', 'true', 'null', 'has', 'size', ',', ' ', 'exists', 'x', 'usage', 'cost_month', '?', ':');
    const anyText = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.array(tokens, { minLength: 1, maxLength: 14 }).map((t) => t.join('')));
    // Random text almost never compiles *and* errs, so half the runs are conditions built to do both.
    const cases = fc.oneof(
      fc.record({ source: anyText, env: envArb, failsAtRunTime: fc.constant(false) }),
      fc.record({
        source: failingCondition,
        env: fc.tuple(envArb, failingData).map(([env, data]): PolicyEnvInput => ({ ...env, event: { ...env.event, data } })),
        failsAtRunTime: fc.constant(true),
      }),
    );
    const RUNS = 400;
    let reachedError = 0;
    fc.assert(
      fc.property(cases, ({ source, env, failsAtRunTime }) => {
        const set = tryCompile([global({ ...policy({ id: 'fuzz', condition: 'true', action: 'allow' }), condition: source })]);
        if (failsAtRunTime) assert.ok(set, `${source} compiles`);
        if (!set) return;
        const result = evaluatePolicies(set, env, { userId: 'alice' });
        const error = result.matched.find((m) => m.error !== undefined);
        if (failsAtRunTime) assert.ok(error, `${source} failed at run time and says so`);
        if (error) {
          reachedError += 1;
          assert.equal(result.verdict, 'deny');
          assert.equal(result.decidedBy, 'fuzz');
        }
      }),
      { numRuns: RUNS },
    );
    // Counted outside the property: a generator that stops producing failing conditions, or an
    // engine that swallows the error, must not pass by never reaching the assertions above.
    assert.ok(reachedError >= RUNS / 3, `only ${reachedError} of ${RUNS} runs reached the error branch`);
  });

  it('never throws, whatever the event data', () => {
    const set = compilePolicies(
      [
        'has(event.data.amount) && event.data.amount > 10',
        'event.data.items.exists(x, x == "a")',
        'event.data.a.b.c == "x"',
        'size(event.data) > 2',
        'event.data == null',
        'event.data.text.matches("^a+$")',
        '"k" in event.data',
      ].map((c, i) => global(policy({ id: `d${i}`, condition: c, action: 'log' }))),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (data) => {
        const result = evaluatePolicies(set, envInput({ event: { data } }), { userId: 'alice' });
        assert.ok(result.verdict === 'allow' || result.verdict === 'deny');
      }),
      { numRuns: 300 },
    );
  });

  it('takes the fast path without changing any evaluation', () => {
    const fast = new PolicyCompiler();
    const slow = new PolicyCompiler(undefined, { fastPath: false });
    fc.assert(
      fc.property(entriesArb, envArb, user, approvals, (entries, env, userId, approve) => {
        const a = tryCompile(entries, fast);
        const b = tryCompile(entries, slow);
        assert.equal(a === undefined, b === undefined);
        if (!a || !b) return;
        assert.deepEqual(evaluatePolicies(a, env, { userId, approvals: approve }), evaluatePolicies(b, env, { userId, approvals: approve }));
      }),
      { numRuns: 400 },
    );
  });
});
