/** Compiling policy sets: clear invalid_input for bad conditions, limits, scopes; order; needs; caching. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { PolicyCompiler, compilePolicies, regexCost, type PolicyEntry } from '../../src/security/policy/index.js';
import { global, ofUser, policy } from './policy-helpers.js';

function rejects(entries: readonly PolicyEntry[], ...fragments: string[]): KernelError {
  try {
    compilePolicies(entries);
  } catch (error) {
    assert.ok(error instanceof KernelError, `expected a KernelError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_input');
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" should mention "${fragment}"`);
    return error;
  }
  assert.fail(`expected invalid_input for ${entries.map((e) => e.policy.condition).join(' / ').slice(0, 200)}`);
}

/** A policy with this condition; built past the schema, so compile's own checks are what is tested. */
const condition = (text: string): PolicyEntry => global({ ...policy({ id: 'p1', condition: 'true' }), condition: text });

describe('policy compilation', () => {
  it('rejects conditions that do not parse, naming the policy', () => {
    const error = rejects([condition('event.type ==')], 'policy "p1"', 'condition is invalid');
    assert.equal(error.details?.policy, 'p1');
    assert.equal(error.details?.field, 'condition');
    rejects([condition('event.type == "a" &&& true')], 'p1');
  });

  it('rejects unknown variables and unknown fields', () => {
    rejects([condition('foo > 1')], 'Unknown variable: foo');
    rejects([condition('usage.cost_mnth > 1')], 'cost_mnth');
    rejects([condition('event.typo == "x"')], 'typo');
  });

  it('rejects conditions that are not boolean, and type errors', () => {
    rejects([condition('usage.cost_month')], 'must evaluate to a bool', 'double');
    rejects([condition('event.type + 1 == "x"')], 'p1');
  });

  it('accepts the int/double comparisons the defaults rely on', () => {
    for (const text of ['usage.cost_month > 50', 'usage.events_per_minute > 600', 'usage.cost_month >= 50.0', 'usage.tokens_today > 1e5', 'event.depth < 3.5']) {
      assert.doesNotThrow(() => compilePolicies([condition(text)]), text);
    }
  });

  it('enforces the expression limits', () => {
    rejects([condition(`${'('.repeat(100)}true${')'.repeat(100)}`)], 'maxDepth');
    rejects([condition(Array.from({ length: 10_000 }, () => 'true').join(' || '))], '79996 characters long; the limit is 4096');
    rejects([condition(Array.from({ length: 200 }, (_, i) => `event.depth > ${i}`).join(' || '))], 'maxAstNodes');
    rejects([condition(`model in [${Array.from({ length: 300 }, (_, i) => `"m${i}"`).join(', ')}]`)], 'p1');
    assert.throws(() => new PolicyCompiler({ maxExpressionLength: 20 }).compile([condition('event.type == "a very long literal"')]), /characters long/);
  });

  it('forbids comprehensions nested deeper than 2', () => {
    const nested3 = 'event.data.a.exists(x, x.b.exists(y, y.c.all(z, z > 1)))';
    rejects([condition(nested3)], 'nest at most 2', 'all()');
    assert.doesNotThrow(() => compilePolicies([condition('event.data.a.exists(x, x.b.all(y, y > 1))')]));
    // Sequential comprehensions are not nested.
    assert.doesNotThrow(() => compilePolicies([condition('event.data.a.filter(x, x > 1).exists(y, y > 2)')]));
  });

  it('refuses comprehensions over big literal lists whose cost is known up front', () => {
    // The default node and length limits already keep two such lists out; raise them to see the cost bound.
    const roomy = new PolicyCompiler({ maxAstNodes: 10_000, maxExpressionLength: 50_000 });
    const list = `[${Array.from({ length: 256 }, (_, i) => i).join(', ')}]`;
    const pairs = `${list}.all(x, ${list}.all(y, x != y + 1000))`;
    assert.doesNotThrow(() => roomy.compile([condition(pairs)]));
    assert.throws(() => roomy.compile([condition(`${pairs} && ${pairs} && ${pairs}`)]), /estimated cost is at least \d+ steps, even on an empty event/);
    rejects([condition(pairs)], 'maxAstNodes');
    assert.throws(() => roomy.compile([condition(`[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}].all(x, x > 0)`)]), /p1/);
  });

  it('checks regular expressions when the policy is saved', () => {
    rejects([condition('event.type.matches(event.source)')], 'string literal pattern');
    rejects([condition('event.type.matches("(a+)+$")')], 'refused', 'repeated group');
    rejects([condition('event.type.matches("(a|aa)*b")')], 'repeated group');
    rejects([condition('event.type.matches("(x)\\\\1")')], 'backreferences');
    rejects([condition('event.type.matches("a(?=b)")')], 'lookahead');
    rejects([condition('event.type.matches("(?i)abc")')], 'invalid regular expression');
    assert.doesNotThrow(() => compilePolicies([condition('event.type.matches("^(task|plan)\\\\.(create|update)$")')]));
  });

  it('estimates regex cost from the pattern', () => {
    assert.deepEqual(regexCost('^abc$'), { exponent: 0, constant: 1 });
    assert.deepEqual(regexCost('secret'), { exponent: 1, constant: 1 });
    assert.deepEqual(regexCost('.*x'), { exponent: 2, constant: 1 });
    assert.deepEqual(regexCost('^[a-z]+@example\\.com$'), { exponent: 1, constant: 1 });
    assert.deepEqual(regexCost('^a?b{2,4}(c|d)$'), { exponent: 0, constant: 2 * 3 * 2 });
    assert.deepEqual(regexCost('^a|b'), { exponent: 1, constant: 2 });
  });

  it('validates entries that skipped the schema', () => {
    const broken = { ...policy({ id: 'r', condition: 'true' }), action: 'restrict', config: {} } as unknown as PolicyEntry['policy'];
    const error = rejects([global(broken)], 'policy "r" is invalid', 'config.restrictions');
    assert.equal(error.details?.field, 'config.restrictions');
  });

  it('reserves priorities from 1000 for global policies', () => {
    const error = rejects([ofUser('alice', policy({ id: 'mine', condition: 'true', priority: 1000 }))], 'mine', 'reserved for global');
    assert.equal(error.details?.field, 'priority');
    assert.doesNotThrow(() => compilePolicies([global(policy({ id: 'theirs', condition: 'true', priority: 1000 }))]));
  });

  it('rejects ids that would be ambiguous', () => {
    const p = policy({ id: 'same', condition: 'true' });
    rejects([global(p), global(p)], 'used twice');
    rejects([ofUser('alice', p), ofUser('alice', p)], 'used twice by user alice');
    rejects([global(p), ofUser('alice', p)], 'already used by a global policy');
    assert.doesNotThrow(() => compilePolicies([ofUser('alice', p), ofUser('bob', p)]));
  });

  it('orders by priority, then global before user, then id, whatever the input order', () => {
    const entries = [
      ofUser('alice', policy({ id: 'a-user', condition: 'true', priority: 5 })),
      global(policy({ id: 'z-global', condition: 'true', priority: 5 })),
      global(policy({ id: 'b-global', condition: 'true', priority: 5 })),
      global(policy({ id: 'low', condition: 'true', priority: -3 })),
      global(policy({ id: 'high', condition: 'true', priority: 1500 })),
    ];
    const ids = compilePolicies(entries).policies.map((p) => p.policy.id);
    assert.deepEqual(ids, ['high', 'b-global', 'z-global', 'a-user', 'low']);
    assert.deepEqual(compilePolicies([...entries].reverse()).policies.map((p) => p.policy.id), ids);
  });

  it('reports what the conditions need, per set and per user', () => {
    const set = compilePolicies([
      global(policy({ id: 'g', condition: 'event.type == "x"' })),
      global(policy({ id: 'for-bob', condition: 'pii.found', applies_to: ['bob'] })),
      ofUser('carol', policy({ id: 'c', condition: 'usage.cost_today > 1.0' })),
      global(policy({ id: 'off', condition: 'model == "m"', enabled: false })),
    ]);
    assert.deepEqual(set.needs, { event: true, user: false, usage: true, context: false, model: false, pii: true });
    assert.deepEqual(set.forUser('alice').needs, { event: true, user: false, usage: false, context: false, model: false, pii: false });
    assert.equal(set.forUser('bob').needs.pii, true);
    assert.equal(set.forUser('carol').needs.usage, true);
    assert.deepEqual(set.forUser('carol').ids, ['g', 'c']);
  });

  it('compiles each condition once and shares it across sets', () => {
    const compiler = new PolicyCompiler();
    const first = compiler.compile([condition('event.type == "a"')]);
    const second = compiler.compile([condition('event.type == "a"'), global(policy({ id: 'p2', condition: 'event.type == "b"' }))]);
    assert.equal(first.policies[0]?.condition, second.policies.find((p) => p.policy.id === 'p1')?.condition);
    assert.equal(compiler.condition('event.type == "a"'), first.policies[0]?.condition);
  });

  it('bounds the cache', () => {
    const compiler = new PolicyCompiler({ cacheSize: 2 });
    const a = compiler.condition('event.depth > 1');
    compiler.condition('event.depth > 2');
    compiler.condition('event.depth > 3');
    assert.notEqual(compiler.condition('event.depth > 1'), a);
  });
});
