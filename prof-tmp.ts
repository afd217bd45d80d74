import { PolicyCompiler, createPolicyEnv, evaluatePolicies, parsePolicyDocument, DEFAULT_POLICIES } from './src/security/policy/index.js';
import { BENCH_POLICIES_YAML, benchEvents } from './bench/policy-workload.js';
const policies = [...DEFAULT_POLICIES, ...parsePolicyDocument(BENCH_POLICIES_YAML, 'yaml')];
const set = new PolicyCompiler().compile(policies.map((policy) => ({ scope: 'global' as const, policy })));
const events = benchEvents(1024);
const envs = events.map((e) => createPolicyEnv(e.input));
const t = performance.now(); let n = 0;
while (performance.now() - t < 4000) { for (let j = 0; j < 1000; j++) { const i = (n + j) & 1023; evaluatePolicies(set, envs[i]!, { userId: events[i]!.userId }); } n += 1000; }
console.log('decisions/s', Math.round(n / ((performance.now() - t) / 1000)));
// per-condition cost
for (const p of set.policies) {
  const run = p.condition.run; const t0 = performance.now(); let k = 0;
  while (performance.now() - t0 < 100) { for (let j = 0; j < 1000; j++) { try { run(envs[(k + j) & 1023]!.vars); } catch {} } k += 1000; }
  console.log(p.policy.id.padEnd(26), (((performance.now() - t0) * 1e6) / k).toFixed(0), 'ns');
}
