/**
 * How much a policy condition may cost. Policies are data written by users and admins, so a
 * condition must not be able to burn CPU or memory: every limit below is checked either once at
 * compile time (the condition is rejected with `invalid_input`) or, where the cost depends on
 * the event, before each evaluation (the policy then fails closed: the event is denied, and the
 * reason names the limit).
 *
 * The run-time bound (`maxEvaluationCost`) is an upper estimate in "steps", computed from the
 * condition's shape and the sizes in the environment:
 * - a comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) nested `d` deep costs
 *   `L^d` steps, times `N` when its body does string work (L: the largest list or map in the
 *   environment, multiplied by 1 + the number of `+` that may join lists, which is how far
 *   concatenation can grow one; N: the longest string);
 * - `s.matches(re)` costs `c * n^k` steps (see regex-cost.ts: n is the length of `s` when `s` is
 *   a plain field path, the longest string otherwise; k and c come from the pattern's
 *   quantifiers), times `L^d` inside comprehensions.
 * Everything else CEL can do is linear in the size of the condition and the environment.
 * When no comprehension is nested, each ranges over a field of the environment, and none of them
 * does string work on anything but its own element (and no `matches`, `split` or list `+`), the
 * bound is tighter: the sum of those fields' lengths, times the longest element where there is
 * string work (cost.ts, rangeCost), with no need to size the whole environment.
 */
import { z } from 'zod';

/** No limits may allow conditions longer than this (the policy schema's own cap). */
export const EXPRESSION_LENGTH_CEILING = 100_000;

export const policyLimitsSchema = z.strictObject({
  /** Characters in one condition. */
  maxExpressionLength: z.number().int().min(1).max(EXPRESSION_LENGTH_CEILING).default(4096),
  /** Nodes in a condition's syntax tree (a 20-term `||` chain is ~60). */
  maxAstNodes: z.number().int().min(1).max(100_000).default(512),
  /** Nesting depth of the syntax tree (parentheses, calls, member access). */
  maxAstDepth: z.number().int().min(1).max(250).default(32),
  /** Elements of one list or map literal. */
  maxLiteralElements: z.number().int().min(1).max(100_000).default(256),
  /** Comprehensions inside comprehensions: 2 allows `a.exists(x, x.b.all(y, ...))`, no deeper. */
  maxComprehensionNesting: z.number().int().min(0).max(4).default(2),
  /** Characters in one `matches` pattern. */
  maxRegexLength: z.number().int().min(1).max(10_000).default(256),
  /** The run-time step bound described above, per policy and event (~10 ms at worst). */
  maxEvaluationCost: z.number().int().min(1).default(100_000),
  /** Compiled conditions kept for reuse, by expression text. */
  cacheSize: z.number().int().min(0).max(1_000_000).default(2000),
});
export type PolicyLimits = z.infer<typeof policyLimitsSchema>;

export const DEFAULT_POLICY_LIMITS: Readonly<PolicyLimits> = Object.freeze(policyLimitsSchema.parse({}));

/** Defaults completed with `overrides`; throws a ZodError for out-of-range values. */
export function resolveLimits(overrides?: Partial<PolicyLimits>): PolicyLimits {
  return overrides === undefined ? DEFAULT_POLICY_LIMITS : Object.freeze(policyLimitsSchema.parse(overrides));
}
