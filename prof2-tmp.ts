import { PolicyCompiler, createPolicyEnv, evaluatePolicies, parsePolicyDocument, DEFAULT_POLICIES } from './src/security/policy/index.js';
import { BENCH_POLICIES_YAML, benchEvents } from './bench/policy-workload.js';
const policies = [...DEFAULT_POLICIES, ...parsePolicyDocument(BENCH_POLICIES_YAML, 'yaml')];
const set = new PolicyCompiler().compile(policies.map((policy) => ({ scope: 'global' as const, policy })));
const events = benchEvents(1024);
const envs = events.map((e) => createPolicyEnv(e.input));
const runs = set.policies.map((p) => p.condition.run);
function bench(label: string, f: (i: number) => void) {
  for (let w = 0; w < 50000; w++) f(w & 1023);
  const t = performance.now(); let n = 0;
  while (performance.now() - t < 2000) { for (let j = 0; j < 1000; j++) f((n + j) & 1023); n += 1000; }
  console.log(label, Math.round(n / ((performance.now() - t) / 1000)));
}
bench('all 20 conditions raw', (i) => { const v = envs[i]!.vars; for (const r of runs) { try { r(v); } catch {} } });
bench('evaluatePolicies', (i) => evaluatePolicies(set, envs[i]!, { userId: events[i]!.userId }));
bench('all 20 conditions raw', (i) => { const v = envs[i]!.vars; for (const r of runs) { try { r(v); } catch {} } });
