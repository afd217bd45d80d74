/**
 * The cost bound of limits.ts as a formula: evaluated with the sizes of an environment before
 * each evaluation, and once at compile time with empty sizes, which gives the least a condition
 * can cost (its literal lists alone), so one that is over the limit even then is refused.
 */
import type { ConditionAnalysis } from './analysis.js';
import type { EnvSizes } from './environment.js';

/** Estimated steps; `subjectLength` gives the length of the string at a field path, if known. */
export function conditionCost(analysis: ConditionAnalysis, sizes: EnvSizes, subjectLength: (path: readonly (string | number)[]) => number | undefined): number {
  const longest = Math.max(1, sizes.maxString);
  const largest = Math.max(1, sizes.maxCollection, analysis.maxLiteral, analysis.usesSplit ? sizes.maxString : 0) * (1 + analysis.plusCount);
  let cost = 0;
  for (const { depth, stringWork } of analysis.comprehensions) cost += largest ** depth * (stringWork ? longest : 1);
  for (const regex of analysis.regexes) {
    const length = Math.max(1, (regex.path === null ? undefined : subjectLength(regex.path)) ?? longest);
    cost += regex.constant * length ** regex.exponent * largest ** regex.depth;
  }
  return cost;
}

export const EMPTY_SIZES: EnvSizes = Object.freeze({ maxCollection: 0, maxString: 0 });
