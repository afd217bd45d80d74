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

/**
 * A tighter bound, without measuring the whole environment, for the common shape: comprehensions
 * not nested, each over a field of the environment (`pii.kinds.all(...)`, `context.paths.exists(...)`),
 * no regular expression, `split` or list `+`. Each then runs at most once per element of the
 * collection it ranges over, and when its body does string work on nothing but its element and
 * literals, each step costs at most the longest element. Undefined when the shape does not fit
 * (the caller measures the environment then); `valueAt` reads a field path of the environment.
 */
export function rangeCost(analysis: ConditionAnalysis, valueAt: (path: readonly (string | number)[]) => unknown): number | undefined {
  if (analysis.regexes.length > 0 || analysis.usesSplit || analysis.plusCount > 0) return undefined;
  let cost = 0;
  for (const { depth, range, stringWork, readsEnv } of analysis.comprehensions) {
    if (depth !== 1 || range === null || (stringWork && readsEnv)) return undefined;
    const collection = valueAt(range);
    if (!Array.isArray(collection)) return undefined;
    let longest = 1;
    if (stringWork) {
      for (const element of collection) {
        if (typeof element !== 'string') return undefined;
        longest = Math.max(longest, element.length);
      }
    }
    cost += Math.max(1, collection.length) * longest;
  }
  return cost;
}

export const EMPTY_SIZES: EnvSizes = Object.freeze({ maxCollection: 0, maxString: 0 });
