/**
 * A compiled policy set: every policy in evaluation order, what the set needs from the
 * environment, and per user the applicable policies (computed on first use and cached, so a
 * decision walks a ready list).
 *
 * Order: priority descending, then global before user, then id ascending (then owner), whatever
 * order the entries came in. Applicable to user U: enabled, and either global with `applies_to`
 * containing '*' or U, or user-scope with owner U (a user policy's `applies_to` is ignored: it
 * never applies to anyone but its owner).
 */
import type { CompiledCondition } from './compile.js';
import type { PolicyVariable } from './environment.js';
import type { PolicyLimits } from './limits.js';
import type { Policy } from './schema.js';

export type PolicyScope = { scope: 'global' } | { scope: 'user'; owner: string };
export type PolicyEntry = PolicyScope & { policy: Policy };
export type CompiledPolicy = PolicyScope & { policy: Policy; condition: CompiledCondition };

/** Which environment parts some applicable condition reads; the caller computes only those. */
export type PolicyNeeds = Readonly<Record<PolicyVariable, boolean>>;

export interface UserPlan {
  readonly policies: readonly CompiledPolicy[];
  /** The policies' ids, in order (shared by every evaluation that runs to the end). */
  readonly ids: readonly string[];
  readonly needs: PolicyNeeds;
  /** Ids of the `require_approval` policies among them (whose approvals a decision looks up). */
  readonly approvalPolicies: readonly string[];
}

/** Users whose plan is cached; beyond that the cache starts over (plans are cheap to rebuild). */
const MAX_CACHED_PLANS = 10_000;

export class CompiledPolicySet {
  /** Every policy, in evaluation order. */
  readonly policies: readonly CompiledPolicy[];
  /** Needs of all enabled policies (for any user). */
  readonly needs: PolicyNeeds;
  readonly limits: PolicyLimits;
  readonly #plans = new Map<string, UserPlan>();

  constructor(policies: readonly CompiledPolicy[], limits: PolicyLimits) {
    this.policies = Object.freeze([...policies].sort(compareForEvaluation));
    this.needs = needsOf(this.policies.filter((entry) => entry.policy.enabled));
    this.limits = limits;
  }

  /** The applicable policies for `userId`, in evaluation order. */
  forUser(userId: string): UserPlan {
    let plan = this.#plans.get(userId);
    if (plan === undefined) {
      const policies = Object.freeze(this.policies.filter((entry) => appliesTo(entry, userId)));
      plan = Object.freeze({
        policies,
        ids: Object.freeze(policies.map((entry) => entry.policy.id)),
        needs: needsOf(policies),
        approvalPolicies: Object.freeze(policies.filter((entry) => entry.policy.action === 'require_approval').map((entry) => entry.policy.id)),
      });
      if (this.#plans.size >= MAX_CACHED_PLANS) this.#plans.clear();
      this.#plans.set(userId, plan);
    }
    return plan;
  }
}

function appliesTo(entry: CompiledPolicy, userId: string): boolean {
  if (!entry.policy.enabled) return false;
  if (entry.scope === 'user') return entry.owner === userId;
  return entry.policy.applies_to.includes('*') || entry.policy.applies_to.includes(userId);
}

function compareForEvaluation(a: CompiledPolicy, b: CompiledPolicy): number {
  if (a.policy.priority !== b.policy.priority) return b.policy.priority - a.policy.priority;
  if (a.scope !== b.scope) return a.scope === 'global' ? -1 : 1;
  if (a.policy.id !== b.policy.id) return a.policy.id < b.policy.id ? -1 : 1;
  const ownerA = a.scope === 'user' ? a.owner : '';
  const ownerB = b.scope === 'user' ? b.owner : '';
  return ownerA < ownerB ? -1 : ownerA > ownerB ? 1 : 0;
}

function needsOf(policies: readonly CompiledPolicy[]): PolicyNeeds {
  const needs: Record<PolicyVariable, boolean> = { event: false, user: false, usage: false, context: false, model: false, pii: false };
  for (const { condition } of policies) for (const variable of condition.analysis.uses) needs[variable] = true;
  return Object.freeze(needs);
}
