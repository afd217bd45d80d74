import { PolicyCompiler, parsePolicyDocument, DEFAULT_POLICIES } from './src/security/policy/index.js';
import { BENCH_POLICIES_YAML } from './bench/policy-workload.js';
const policies = [...DEFAULT_POLICIES, ...parsePolicyDocument(BENCH_POLICIES_YAML, 'yaml')];
const set = new PolicyCompiler().compile(policies.map((policy) => ({ scope: 'global' as const, policy })));
for (const p of set.policies) console.log(p.policy.id.padEnd(26), p.condition.guards.exact ? 'exact' : p.condition.guards.prefilter ? 'prefilter' : '-');
