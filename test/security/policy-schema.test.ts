/** Policy documents: YAML and JSON, the seed format, and errors that name the policy and field. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { DEFAULT_POLICIES, compilePolicies, parsePolicyDocument, policySchema } from '../../src/security/policy/index.js';

function invalid(run: () => unknown, ...fragments: string[]): KernelError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KernelError, `expected a KernelError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_input');
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" should mention "${fragment}"`);
    return error;
  }
  assert.fail('expected invalid_input');
}

describe('policy schema', () => {
  it('accepts the seed format and fills in defaults', () => {
    const [policy] = parsePolicyDocument(
      `policies:\n  - id: cost-cap\n    name: Cost cap\n    condition: usage.cost_month > 50\n    action: deny\n`,
      'yaml',
    );
    assert.deepEqual(policy, {
      id: 'cost-cap',
      name: 'Cost cap',
      condition: 'usage.cost_month > 50',
      action: 'deny',
      config: {},
      applies_to: ['*'],
      priority: 0,
      enabled: true,
    });
  });

  it('reads a bare JSON array and the applies_to spelling', () => {
    const policies = parsePolicyDocument(
      JSON.stringify([{ id: 'n1', name: 'Notify', condition: 'true', action: 'notify', applies_to: ['alice', 'bob'] }]),
      'json',
    );
    assert.deepEqual(policies[0]?.applies_to, ['alice', 'bob']);
    assert.deepEqual(policies[0]?.action === 'notify' && policies[0].config, { to: ['user'] });
  });

  it('validates config per action and names the field', () => {
    const restrict = { id: 'r1', name: 'R', condition: 'true', action: 'restrict', config: { restrictions: { models: { maxCostPer1kTokens: -1 } } } };
    const error = invalid(() => parsePolicyDocument(JSON.stringify({ policies: [restrict] }), 'json'), 'policies[0] (id "r1")', 'config.restrictions.models.maxCostPer1kTokens');
    assert.deepEqual((error.details?.errors as { pointer: string }[])[0]?.pointer, '/policies/0/config/restrictions/models/maxCostPer1kTokens');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...restrict, config: {} }]), 'json'), 'config.restrictions');
    invalid(() => parsePolicyDocument(JSON.stringify([{ id: 'd', name: 'D', condition: 'true', action: 'deny', config: { restrictions: {} } }]), 'json'), 'config.restrictions');
    invalid(() => parsePolicyDocument(JSON.stringify([{ id: 'n', name: 'N', condition: 'true', action: 'notify', config: { to: ['everyone'] } }]), 'json'), 'config.to.0');
  });

  it('rejects bad ids, unknown actions, unknown keys and out-of-range priorities, naming the policy', () => {
    const ok = { id: 'p', name: 'P', condition: 'true', action: 'log' };
    invalid(() => parsePolicyDocument(JSON.stringify([ok, { ...ok, id: 'Bad Id' }]), 'json'), 'policies[1] (id "Bad Id")', 'id');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, action: 'explode' }]), 'json'), 'policies[0]', 'action');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, appliesTo: ['*'] }]), 'json'), 'appliesTo');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, priority: 2_000_000 }]), 'json'), 'priority');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, priority: 1.5 }]), 'json'), 'priority');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, applies_to: [] }]), 'json'), 'applies_to');
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, condition: '' }]), 'json'), 'condition');
  });

  it('rejects duplicate ids within a document', () => {
    const ok = { name: 'P', condition: 'true', action: 'log' };
    invalid(() => parsePolicyDocument(JSON.stringify([{ ...ok, id: 'a' }, { ...ok, id: 'b' }, { ...ok, id: 'a' }]), 'json'), 'policies[2]', 'policies[0]');
  });

  it('rejects text that is not a document', () => {
    invalid(() => parsePolicyDocument('{ not json', 'json'), 'not valid JSON');
    invalid(() => parsePolicyDocument('a: [unclosed', 'yaml'), 'not valid YAML');
    invalid(() => parsePolicyDocument('"just a string"', 'json'), 'list of policies');
    invalid(() => parsePolicyDocument(JSON.stringify({ policies: [], extra: 1 }), 'json'), 'list of policies');
  });

  it('ships defaults that validate and compile', () => {
    assert.ok(DEFAULT_POLICIES.length >= 6);
    for (const policy of DEFAULT_POLICIES) assert.deepEqual(policySchema.parse(policy), policy);
    const set = compilePolicies(DEFAULT_POLICIES.map((policy) => ({ scope: 'global', policy })));
    assert.equal(set.needs.usage, true);
    assert.equal(set.needs.pii, true);
    for (const id of ['rate-limit-minute', 'rate-limit-day', 'monthly-cost-limit', 'monthly-cost-hard-limit', 'daily-token-limit']) {
      const policy = DEFAULT_POLICIES.find((p) => p.id === id);
      assert.ok(policy && policy.priority >= 1000, `${id} is in the global-only range`);
    }
  });
});
