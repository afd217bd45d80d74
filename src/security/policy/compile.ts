/**
 * Compiling policies: every condition is parsed, type-checked against the environment
 * (environment.ts) and analysed against the limits (limits.ts) once; the result is cached by
 * expression text in a bounded cache that outlives one set, so recompiling a set after one
 * policy changed compiles only that policy's condition.
 *
 * A condition that does not parse, references an unknown variable or field, is not boolean, or
 * breaks a limit makes `compile` throw KernelError `invalid_input` naming the policy and the
 * reason, so saving such a policy fails with 400 instead of denying events later.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { KernelError } from '../../kernel/index.js';
import { analyzeCondition, type ConditionAnalysis } from './analysis.js';
import { createCelEnvironment } from './cel-types.js';
import { EMPTY_SIZES, conditionCost } from './cost.js';
import { variableMask } from './environment.js';
import { compileGuards, type Guards } from './guards.js';
import { resolveLimits, type PolicyLimits } from './limits.js';
import { CompiledPolicySet, type CompiledPolicy, type PolicyEntry } from './policy-set.js';
import { GLOBAL_PRIORITY_FLOOR, policySchema } from './schema.js';

export interface CompiledCondition {
  readonly source: string;
  /** Evaluates the condition; throws what the CEL library throws. */
  readonly run: (vars: Readonly<Record<string, unknown>>) => unknown;
  readonly analysis: ConditionAnalysis;
  /** variableMask of `analysis.uses` (checked against the environment on every evaluation). */
  readonly requires: number;
  /** The fast path (guards.ts). */
  readonly guards: Guards;
}

type CacheEntry = CompiledCondition | { error: string };

export class PolicyCompiler {
  readonly limits: PolicyLimits;
  readonly #cel: Environment;
  /** Insertion-ordered: a hit moves its entry to the end, the oldest entry goes first. */
  readonly #cache = new Map<string, CacheEntry>();

  readonly #fastPath: boolean;

  /** `fastPath: false` runs every condition through CEL (for comparisons; results are the same). */
  constructor(limits?: Partial<PolicyLimits>, options: { fastPath?: boolean } = {}) {
    this.limits = resolveLimits(limits);
    this.#cel = createCelEnvironment(this.limits);
    this.#fastPath = options.fastPath ?? true;
  }

  /** Compiles (or finds in the cache) one condition; returns the reason it was refused. */
  condition(source: string): CacheEntry {
    const cached = this.#cache.get(source);
    if (cached !== undefined) {
      this.#cache.delete(source);
      this.#cache.set(source, cached);
      return cached;
    }
    const entry = this.#compile(source);
    if (this.limits.cacheSize > 0) {
      if (this.#cache.size >= this.limits.cacheSize) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(source, entry);
    }
    return entry;
  }

  /** Compiles a set; throws KernelError `invalid_input` naming the first bad policy. */
  compile(entries: readonly PolicyEntry[]): CompiledPolicySet {
    checkIds(entries);
    const compiled: CompiledPolicy[] = entries.map((entry) => {
      const who = entry.scope === 'global' ? 'global policy' : `policy of user ${entry.owner}`;
      // Entries may come from a store or a caller that skipped the schema: the evaluator relies on it.
      const valid = policySchema.safeParse(entry.policy);
      if (!valid.success) {
        const issue = valid.error.issues[0];
        const field = issue?.path.map(String).join('.') ?? '';
        throw invalid(entry, field, `${who} "${String(entry.policy.id)}" is invalid: ${field}: ${issue?.message ?? 'invalid'}`);
      }
      const policy = valid.data;
      if (entry.scope === 'user' && policy.priority >= GLOBAL_PRIORITY_FLOOR) {
        throw invalid(entry, 'priority', `${who} "${policy.id}": priority ${policy.priority} is reserved for global policies (user policies must stay below ${GLOBAL_PRIORITY_FLOOR})`);
      }
      const condition = this.condition(policy.condition);
      if ('error' in condition) throw invalid(entry, 'condition', `${who} "${policy.id}": condition is invalid: ${condition.error}`);
      return entry.scope === 'global' ? { scope: 'global', policy, condition } : { scope: 'user', owner: entry.owner, policy, condition };
    });
    return new CompiledPolicySet(compiled, this.limits);
  }

  #compile(source: string): CacheEntry {
    if (source.length > this.limits.maxExpressionLength) {
      return { error: `it is ${source.length} characters long; the limit is ${this.limits.maxExpressionLength}` };
    }
    try {
      const parsed = this.#cel.parse(source);
      const analysis = analyzeCondition(parsed.ast, this.limits);
      if ('error' in analysis) return analysis;
      const leastCost = conditionCost(analysis, EMPTY_SIZES, () => undefined);
      if (leastCost > this.limits.maxEvaluationCost) {
        return { error: `its estimated cost is at least ${Math.round(leastCost)} steps, even on an empty event; the limit is ${this.limits.maxEvaluationCost}` };
      }
      const checked = parsed.check();
      if (!checked.valid) return { error: describeCelError(checked.error) };
      if (checked.type !== 'bool' && checked.type !== 'dyn') return { error: `it must evaluate to a bool, but evaluates to ${checked.type ?? 'unknown'}` };
      return { source, run: parsed, analysis, requires: variableMask(analysis.uses), guards: this.#fastPath ? compileGuards(parsed.ast) : {} };
    } catch (error) {
      return { error: describeCelError(error) };
    }
  }
}

/** The library's message without its source excerpt (`summary` where it offers one). */
export function describeCelError(error: unknown): string {
  if (error instanceof Error) {
    const summary: unknown = (error as Error & { summary?: unknown }).summary;
    const text = typeof summary === 'string' && summary.length > 0 ? summary : error.message;
    return text.split('\n')[0] ?? text;
  }
  return String(error);
}

/**
 * Ids must be unique among global policies, among each user's policies, and between a user's
 * policies and the global ones: evaluations, audit records and approvals name policies by id.
 */
function checkIds(entries: readonly PolicyEntry[]): void {
  const globals = new Set<string>();
  for (const entry of entries) {
    if (entry.scope !== 'global') continue;
    if (globals.has(entry.policy.id)) throw invalid(entry, 'id', `global policy id "${entry.policy.id}" is used twice`);
    globals.add(entry.policy.id);
  }
  const perUser = new Set<string>();
  for (const entry of entries) {
    if (entry.scope !== 'user') continue;
    const { id } = entry.policy;
    if (globals.has(id)) throw invalid(entry, 'id', `policy id "${id}" of user ${entry.owner} is already used by a global policy`);
    const key = JSON.stringify([entry.owner, id]);
    if (perUser.has(key)) throw invalid(entry, 'id', `policy id "${id}" is used twice by user ${entry.owner}`);
    perUser.add(key);
  }
}

function invalid(entry: PolicyEntry, field: string, message: string): KernelError {
  return new KernelError('invalid_input', message, {
    details: { policy: entry.policy.id, scope: entry.scope, ...(entry.scope === 'user' && { owner: entry.owner }), field },
  });
}

/** One shared compiler per distinct set of limits, so the condition cache is shared across sets. */
const compilers = new Map<string, PolicyCompiler>();
const MAX_COMPILERS = 8;

/**
 * Compiles a policy set with the shared compiler for `limits` (defaults when omitted). A
 * module-level memo rather than a registry: it holds only pure, rebuildable compile results.
 */
export function compilePolicies(entries: readonly PolicyEntry[], limits?: Partial<PolicyLimits>): CompiledPolicySet {
  const resolved = resolveLimits(limits);
  const key = JSON.stringify(resolved);
  let compiler = compilers.get(key);
  if (compiler === undefined) {
    if (compilers.size >= MAX_COMPILERS) compilers.delete(compilers.keys().next().value as string);
    compiler = new PolicyCompiler(resolved);
    compilers.set(key, compiler);
  }
  return compiler.compile(entries);
}
