/**
 * Evaluating a compiled policy set against one environment. Pure and deterministic: the same
 * set, environment and approvals give a deep-equal Evaluation, whatever order the policies
 * were given in.
 *
 * Semantics:
 * - Applicable policies (policy-set.ts) are walked in order: priority descending, global before
 *   user, id ascending.
 * - A policy whose condition is false is only recorded in `evaluated`. When it is true:
 *   - `deny`: stop; verdict deny.
 *   - `throttle`: stop; verdict throttle (`throttle` says which window). Like a deny, it ends
 *     evaluation, so a deny of higher priority still wins and one of lower priority is not reached.
 *   - `allow`: stop; verdict allow. Restrictions matched before it still apply.
 *   - `require_approval`: `approvals(id)` 'approved' -> continue; 'rejected' -> stop, verdict
 *     deny; anything else -> stop, verdict require_approval (`approval` says which and why).
 *   - `restrict`: merge its restrictions (the most restrictive combination) and continue.
 *   - `log`, `notify`: record a log line or a notification and continue.
 * - Nothing stopped: verdict allow, with the merged restrictions.
 * - FAIL CLOSED: a condition that throws (division by zero, missing field, type mismatch), that
 *   returns anything but a boolean, that reads an environment part the caller did not pass, or
 *   whose estimated cost exceeds the limit stops evaluation with verdict deny, `decidedBy` that
 *   policy, and the error in its `matched` entry and in `reason`. So does an approvals callback
 *   that throws, and an environment that cannot be converted (then nothing is evaluated).
 *   `evaluatePolicies` never throws.
 */
import { mergeRestrictions, type Restrictions, type ThrottleWindow } from '../../kernel/index.js';
import { describeCelError, type CompiledCondition } from './compile.js';
import { conditionCost, rangeCost } from './cost.js';
import { POLICY_VARIABLES, createPolicyEnv, PolicyEnv, type PolicyEnvInput } from './environment.js';
import type { CompiledPolicySet, UserPlan } from './policy-set.js';
import type { NotifyTarget, Policy, PolicyAction } from './schema.js';

export type Verdict = 'allow' | 'deny' | 'require_approval' | 'throttle';
export type ApprovalState = 'approved' | 'rejected' | undefined;

export interface EvaluateOptions {
  userId: string;
  /** The state of an approval this event already asked for under `policyId`, if any. */
  approvals?: (policyId: string) => ApprovalState;
}

export interface Evaluation {
  verdict: Verdict;
  /** Human-readable: which policy decided and why. */
  reason: string;
  /** The policy that stopped evaluation (deny, allow, require_approval, throttle, or an error). */
  decidedBy?: string;
  /** Ids in evaluation order, up to the one that stopped. */
  evaluated: string[];
  /** Policies whose condition held (or that failed: then `error`). */
  matched: { id: string; action: PolicyAction; error?: string }[];
  /** Merged from every matched `restrict`. */
  restrictions: Restrictions;
  notifications: { policy: string; to: NotifyTarget[]; message: string }[];
  logs: { policy: string; message: string }[];
  /** Set when the verdict is require_approval. */
  approval?: { policy: string; reason: string };
  /** Set when the verdict is throttle: the event waits for the start of the next `window`. */
  throttle?: { policy: string; window: ThrottleWindow; reason: string };
}

/** Evaluates `set` for `options.userId`; `env` may be prebuilt (createPolicyEnv) or raw input. */
export function evaluatePolicies(set: CompiledPolicySet, env: PolicyEnv | PolicyEnvInput, options: EvaluateOptions): Evaluation {
  let plan: UserPlan;
  let celEnv: PolicyEnv;
  try {
    plan = set.forUser(options.userId);
    celEnv = env instanceof PolicyEnv ? env : createPolicyEnv(env);
  } catch (error) {
    return { ...empty(), verdict: 'deny', reason: `Denied (fail closed): the policy environment is invalid: ${describeCelError(error)}`, evaluated: [] };
  }
  const result = empty();
  const { policies } = plan;
  for (let i = 0; i < policies.length; i += 1) {
    const { policy, condition } = policies[i] as (typeof policies)[number];
    let holds: boolean;
    try {
      holds = test(condition, celEnv, set.limits.maxEvaluationCost);
    } catch (error) {
      return failed(result, plan.ids, i, policy, describeCelError(error));
    }
    if (!holds) continue;
    switch (policy.action) {
      case 'deny':
        result.matched.push({ id: policy.id, action: 'deny' });
        return stop(result, plan.ids, i, 'deny', `Denied by policy "${policy.id}": ${policy.config.reason ?? policy.name}`, policy.id);
      case 'throttle': {
        const { window } = policy.config;
        const why = policy.config.reason ?? policy.name;
        result.matched.push({ id: policy.id, action: 'throttle' });
        result.throttle = { policy: policy.id, window, reason: why };
        return stop(result, plan.ids, i, 'throttle', `Throttled by policy "${policy.id}": ${why}; it runs again at the start of the next ${window}`, policy.id);
      }
      case 'allow':
        result.matched.push({ id: policy.id, action: 'allow' });
        return stop(result, plan.ids, i, 'allow', `Allowed by policy "${policy.id}" (${policy.name})${restrictedBy(result)}`, policy.id);
      case 'require_approval': {
        let state: ApprovalState;
        try {
          state = options.approvals?.(policy.id);
        } catch (error) {
          return failed(result, plan.ids, i, policy, `the approval lookup failed: ${describeCelError(error)}`);
        }
        result.matched.push({ id: policy.id, action: 'require_approval' });
        if (state === 'approved') continue;
        const why = policy.config.reason ?? policy.name;
        if (state === 'rejected') return stop(result, plan.ids, i, 'deny', `Denied: the approval that policy "${policy.id}" asked for (${why}) was rejected`, policy.id);
        result.approval = { policy: policy.id, reason: why };
        return stop(result, plan.ids, i, 'require_approval', `Approval required by policy "${policy.id}": ${why}`, policy.id);
      }
      case 'restrict':
        result.matched.push({ id: policy.id, action: 'restrict' });
        result.restrictions = mergeRestrictions(result.restrictions, policy.config.restrictions);
        continue;
      case 'log':
        result.matched.push({ id: policy.id, action: 'log' });
        result.logs.push({ policy: policy.id, message: policy.config.message ?? `policy "${policy.id}" (${policy.name}) matched` });
        continue;
      case 'notify':
        result.matched.push({ id: policy.id, action: 'notify' });
        result.notifications.push({ policy: policy.id, to: [...policy.config.to], message: policy.config.message ?? `Policy "${policy.name}" matched` });
        continue;
    }
  }
  result.evaluated = [...plan.ids];
  result.reason = `Allowed: no policy denied the event (${plan.ids.length} evaluated)${restrictedBy(result)}`;
  return result;
}

/** The condition's value; throws for anything that must fail closed. */
function test(condition: CompiledCondition, env: PolicyEnv, maxCost: number): boolean {
  const { requires, guards, analysis } = condition;
  if ((env.present & requires) !== requires) {
    const missing = POLICY_VARIABLES.filter((variable) => analysis.uses.has(variable) && !env.has(variable));
    throw new Error(`the condition reads ${missing.join(', ')}, which the caller did not provide (see needs.${missing[0] ?? ''})`);
  }
  const { vars } = env;
  if (guards.exact !== undefined) return guards.exact(vars);
  if (guards.prefilter !== undefined && !guards.prefilter(vars)) return false;
  if (analysis.comprehensions.length > 0 || analysis.regexes.length > 0) {
    const cost = estimateCost(condition, env);
    if (cost > maxCost) throw new Error(`its estimated cost on this event (${Math.round(cost)} steps) exceeds the limit of ${maxCost}`);
  }
  const value: unknown = condition.run(vars);
  if (typeof value !== 'boolean') throw new Error(`the condition returned ${describeValue(value)} instead of a bool`);
  return value;
}

/** The bound described in limits.ts, with the sizes of this environment. */
function estimateCost(condition: CompiledCondition, env: PolicyEnv): number {
  // The default policies' comprehensions range over `pii.kinds` and `context.paths`: bounded by
  // those lists, without walking the whole event to size it (that walk cost more than the rest).
  const ranged = rangeCost(condition.analysis, (path) => lookup(env, path));
  if (ranged !== undefined) return ranged;
  return conditionCost(condition.analysis, env.sizes(), (path) => {
    const subject = lookup(env, path);
    return typeof subject === 'string' ? subject.length : undefined;
  });
}

function lookup(env: PolicyEnv, path: readonly (string | number)[]): unknown {
  let value: unknown = env.vars;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'bigint') return 'an int';
  if (typeof value === 'number') return 'a double';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'object' ? 'a map' : `a value of type ${typeof value}`;
}

function empty(): Evaluation {
  return { verdict: 'allow', reason: '', evaluated: [], matched: [], restrictions: {}, notifications: [], logs: [] };
}

function stop(result: Evaluation, ids: readonly string[], index: number, verdict: Verdict, reason: string, decidedBy: string): Evaluation {
  result.verdict = verdict;
  result.reason = reason;
  result.decidedBy = decidedBy;
  result.evaluated = ids.slice(0, index + 1);
  return result;
}

function failed(result: Evaluation, ids: readonly string[], index: number, policy: Policy, error: string): Evaluation {
  result.matched.push({ id: policy.id, action: policy.action, error });
  return stop(result, ids, index, 'deny', `Denied (fail closed): policy "${policy.id}" could not be evaluated: ${error}`, policy.id);
}

function restrictedBy(result: Evaluation): string {
  const ids = result.matched.filter((match) => match.action === 'restrict').map((match) => match.id);
  return ids.length === 0 ? '' : `; restricted by ${ids.map((id) => `"${id}"`).join(', ')}`;
}
