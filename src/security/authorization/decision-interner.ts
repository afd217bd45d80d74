/**
 * The decisions the authorizer made, kept so that the next event that gets the same one is
 * handed the same sealed object (kernel/sealed-decision.ts): the processor then neither parses
 * it nor writes its canonical JSON again for the audit entry.
 *
 * A decision is kept only when it is a function of the user's policy plan and of what the
 * evaluation found, never of the event itself: allowed or denied (not parked for approval or
 * throttled, which carry the event's approval id and release time), no policy that failed (the
 * error text varies), no approval a driver asked for (its reason is the event's). Within one plan
 * the policies that matched, with their actions, the verdict and the policy that decided fix the
 * policies evaluated, the reason, the restrictions and the notifications; the kinds of personal
 * data and the context path complete it. That tuple is the key.
 */
import { sealDecision, type Decision } from '../../kernel/index.js';
import type { Evaluation } from '../policy/index.js';

/** Decisions kept per plan before it starts over (context paths make many distinct ones). */
const MAX_PER_PLAN = 512;

export class DecisionInterner {
  /** Per user plan (its identity: a new plan, after a policy change, starts empty). */
  readonly #byPlan = new WeakMap<object, Map<string, Decision>>();

  /** The kept decision for this outcome, or `make()`'s, sealed and kept; `make()`'s as is when it cannot be kept. */
  decision(plan: object, evaluation: Evaluation, piiKinds: readonly string[] | undefined, contextPath: string, make: () => Decision): Decision {
    const key = outcomeKey(evaluation, piiKinds, contextPath);
    if (key === undefined) return make();
    let decisions = this.#byPlan.get(plan);
    if (decisions === undefined) this.#byPlan.set(plan, (decisions = new Map<string, Decision>()));
    const kept = decisions.get(key);
    if (kept !== undefined) return kept;
    const made = make();
    let sealed: Decision;
    try {
      sealed = sealDecision(made);
    } catch {
      return made; // not canonical JSON (a lone surrogate in a path): the audit log repairs it, unkept
    }
    if (decisions.size >= MAX_PER_PLAN) decisions.clear();
    decisions.set(key, sealed);
    return sealed;
  }
}

/** The outcome as a key (each part length-prefixed, so no two outcomes share one), or undefined when it must not be kept. */
function outcomeKey(evaluation: Evaluation, piiKinds: readonly string[] | undefined, contextPath: string): string | undefined {
  if (evaluation.verdict !== 'allow' && evaluation.verdict !== 'deny') return undefined;
  let key = `${evaluation.verdict}|${part(evaluation.decidedBy ?? '')}${part(contextPath)}${piiKinds?.length ?? 0}`;
  for (const kind of piiKinds ?? []) key += part(kind);
  for (const match of evaluation.matched) {
    if (match.error !== undefined) return undefined;
    key += part(match.id) + match.action;
  }
  return key;
}

function part(text: string): string {
  return `${text.length}:${text}`;
}
