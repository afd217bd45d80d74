/**
 * Policy engine alone, on one core: decisions per second for 20 policies (policy-workload.ts)
 * over a mix of realistic events, the CEL environment prebuilt per event and, separately, built
 * from the event in every decision. The reference, in the same run: the same rules in Cedar
 * (`@cedar-policy/cedar-wasm`), request contexts prebuilt, policies preparsed once
 * (`statefulIsAuthorized`) and parsed per call (`isAuthorized`). Before measuring, every event's
 * verdict is checked against Cedar's, so both engines are known to decide the same thing.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {
  PolicyCompiler,
  createPolicyEnv,
  evaluatePolicies,
  parsePolicyDocument,
  DEFAULT_POLICIES,
  type CompiledPolicySet,
  type Policy,
  type PolicyEnv,
} from '../src/security/policy/index.js';
import { BENCH_POLICIES_YAML, CEDAR_POLICIES, benchEvents, cedarContext } from './policy-workload.js';
import { piiConversationRows } from './pii-conversation.js';
import { row, type BenchRow } from './stats.js';

const EVENTS = 1024;
const WARMUP_MS = 1000;
const MEASURE_MS = 3000;
const CEDAR_SET = 'vextir-bench';

/** Calls `decide(i)` for i = 0, 1, 2, ... for about `ms` and returns calls per second. */
function rate(ms: number, decide: (i: number) => unknown): number {
  let sink = 0;
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let j = 0; j < 1000; j += 1) if (decide(calls + j) !== undefined) sink += 1;
    calls += 1000;
    elapsed = performance.now() - started;
  }
  if (sink !== calls) throw new Error('policy bench: a decision returned nothing');
  return calls / (elapsed / 1000);
}

function measure(log: (line: string) => void, label: string, decide: (i: number) => unknown): number {
  rate(WARMUP_MS, decide);
  const value = rate(MEASURE_MS, decide);
  log(`policy: ${label}: ${Math.round(value)} decisions/s`);
  return value;
}

function compileBenchSet(compiler: PolicyCompiler, policies: readonly Policy[]): CompiledPolicySet {
  return compiler.compile(policies.map((policy) => ({ scope: 'global', policy })));
}

/** Cedar must reach the same allow/deny as the engine on every event (approval counts as allow). */
function crossCheck(set: CompiledPolicySet, events: ReturnType<typeof benchEvents>, requests: readonly cedar.StatefulAuthorizationCall[]): Record<string, number> {
  const verdicts: Record<string, number> = {};
  events.forEach(({ input, userId }, i) => {
    const ours = evaluatePolicies(set, input, { userId });
    const answer = cedar.statefulIsAuthorized(requests[i] as cedar.StatefulAuthorizationCall);
    if (answer.type !== 'success') throw new Error(`policy bench: Cedar failed: ${JSON.stringify(answer.errors)}`);
    const theirs = answer.response.decision;
    if ((ours.verdict === 'deny') !== (theirs === 'deny')) {
      throw new Error(`policy bench: event ${input.event.type} #${i}: engine says ${ours.verdict} (${ours.reason}), Cedar says ${theirs}`);
    }
    verdicts[ours.verdict] = (verdicts[ours.verdict] ?? 0) + 1;
  });
  return verdicts;
}

export async function runPolicyBench(log: (line: string) => void): Promise<BenchRow[]> {
  const policies = [...DEFAULT_POLICIES, ...parsePolicyDocument(BENCH_POLICIES_YAML, 'yaml')];
  if (policies.length !== 20) throw new Error(`policy bench: expected 20 policies, got ${policies.length}`);
  const t0 = performance.now();
  const compiler = new PolicyCompiler();
  const set = compileBenchSet(compiler, policies);
  const coldMs = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < 1000; i += 1) compileBenchSet(compiler, policies);
  const warmMs = (performance.now() - t1) / 1000;

  const events = benchEvents(EVENTS);
  const envs: PolicyEnv[] = events.map(({ input }) => createPolicyEnv(input));
  const users = events.map(({ userId }) => userId);
  const parsed = cedar.preparsePolicySet(CEDAR_SET, { staticPolicies: CEDAR_POLICIES });
  if (parsed.type !== 'success') throw new Error(`policy bench: Cedar policies: ${JSON.stringify(parsed.errors)}`);
  const requests = events.map(({ input, userId }): cedar.StatefulAuthorizationCall => ({
    principal: { type: 'User', id: userId },
    action: { type: 'Action', id: 'process' },
    resource: { type: 'Event', id: input.event.id },
    context: cedarContext(input) as cedar.Context,
    preparsedPolicySetId: CEDAR_SET,
    entities: [],
  }));
  const verdicts = crossCheck(set, events, requests);
  log(`policy: verdicts over ${EVENTS} events agree with Cedar: ${JSON.stringify(verdicts)}`);

  const mask = EVENTS - 1;
  const prebuilt = measure(log, 'engine, env prebuilt', (i) => evaluatePolicies(set, envs[i & mask] as PolicyEnv, { userId: users[i & mask] as string }));
  const celOnlySet = compileBenchSet(new PolicyCompiler(undefined, { fastPath: false }), policies);
  const celOnly = measure(log, 'engine, env prebuilt, fast path off', (i) => evaluatePolicies(celOnlySet, envs[i & mask] as PolicyEnv, { userId: users[i & mask] as string }));
  const exact = set.policies.filter((p) => p.condition.guards.exact).length;
  const prefiltered = set.policies.filter((p) => p.condition.guards.prefilter).length;
  const fromEvent = measure(log, 'engine, env built per decision', (i) => {
    const event = events[i & mask] as (typeof events)[number];
    return evaluatePolicies(set, event.input, { userId: event.userId });
  });
  const stateful = measure(log, 'Cedar statefulIsAuthorized', (i) => cedar.statefulIsAuthorized(requests[i & mask] as cedar.StatefulAuthorizationCall));
  const perCall = measure(log, 'Cedar isAuthorized', (i) => {
    const { preparsedPolicySetId: _unused, ...request } = requests[i & mask] as cedar.StatefulAuthorizationCall;
    return cedar.isAuthorized({ ...request, policies: { staticPolicies: CEDAR_POLICIES } });
  });

  // Cedar's floor in this binding: one permit and an empty context (what every call pays).
  const floorSet = cedar.preparsePolicySet(`${CEDAR_SET}-floor`, { staticPolicies: 'permit(principal, action, resource);' });
  if (floorSet.type !== 'success') throw new Error('policy bench: Cedar floor policy did not parse');
  const floorRequest: cedar.StatefulAuthorizationCall = { ...(requests[0] as cedar.StatefulAuthorizationCall), context: {}, preparsedPolicySetId: `${CEDAR_SET}-floor` };
  const floor = measure(log, 'Cedar floor', () => cedar.statefulIsAuthorized(floorRequest));

  const reference = { name: 'Cedar, preparsed', value: stateful, unit: 'decisions/s' };
  const mix = `${EVENTS} events of ${16} shapes (${Object.entries(verdicts).map(([verdict, n]) => `${n} ${verdict}`).join(', ')}), 7 users`;
  return [
    row({
      bench: 'policy',
      name: '20 policies, env prebuilt',
      value: prebuilt,
      unit: 'decisions/s',
      baseline: reference,
      target: { of: 'value', op: '>=', threshold: 200_000 },
      note: `one core, synchronous loop; ${mix}; fast path: ${exact} conditions decided without CEL, ${prefiltered} prefiltered, ${20 - exact - prefiltered} always through CEL`,
    }),
    row({ bench: 'policy', name: 'engine / Cedar, env prebuilt', value: prebuilt, unit: 'decisions/s', baseline: reference, target: { of: 'ratio', op: '>=', threshold: 1 } }),
    row({
      bench: 'policy',
      name: '20 policies, env prebuilt, fast path off',
      value: celOnly,
      unit: 'decisions/s',
      baseline: reference,
      note: 'every condition evaluated by the CEL library (the same evaluations, as the property tests check)',
    }),
    row({ bench: 'policy', name: '20 policies, env built per decision', value: fromEvent, unit: 'decisions/s', baseline: reference, note: 'createPolicyEnv (ints to BigInt, time to Date) inside every decision' }),
    row({ bench: 'policy', name: 'Cedar statefulIsAuthorized (preparsed)', value: stateful, unit: 'decisions/s', note: 'same rules; context prebuilt as JS objects, converted by the wasm binding on every call' }),
    row({ bench: 'policy', name: 'Cedar isAuthorized (parsed per call)', value: perCall, unit: 'decisions/s' }),
    row({ bench: 'policy', name: 'Cedar floor: 1 permit, empty context', value: floor, unit: 'decisions/s', note: 'the cost of a call itself (request conversion into wasm); the rest of the gap is context conversion and evaluation' }),
    row({ bench: 'policy', name: 'compile 20 policies, cold cache', value: coldMs, unit: 'ms', note: 'first compile in the process, CEL environment creation included' }),
    row({ bench: 'policy', name: 'recompile 20 policies, warm cache', value: warmMs * 1000, unit: 'µs' }),
    ...piiConversationRows(),
  ];
}
