/**
 * The CEL environment every policy condition is evaluated in: the one place that documents
 * which variables exist and what type each field has (cel-types.ts declares the same to CEL).
 *
 * ```
 * event:   { id, type, category, source, subject: string; depth: int; data: dyn (the event's
 *            JSON; null when it has none); time: timestamp }
 * user:    { id: string }
 * usage:   { events_per_minute, events_per_hour, events_per_day, tokens_today, tokens_month: int;
 *            cost_today, cost_month: double (USD) }
 * context: { path: string;         ('' when the event touches no context path)
 *            paths: list<string> }  (every path the event names: request paths, or result paths)
 * model:   string                  ('' when no model is requested)
 * pii:     { found: bool, kinds: list<string> }
 * ```
 *
 * Numbers: counts are CEL `int` and money is `double`, so both `usage.events_per_minute > 600`
 * and `usage.cost_month > 50` read naturally (CEL compares int and double freely; arithmetic
 * needs one type: `double(usage.tokens_today) / 1000.0`). Numbers inside `event.data` are JSON
 * numbers, which CEL maps to `double`: compare them with anything (`event.data.amount > 1000`),
 * but write arithmetic with doubles (`event.data.amount * 1.1`).
 *
 * Typed fields let the type checker reject `usage.cost_mnth` when the policy is saved instead
 * of failing (closed) on every event. `usage` and `pii` are optional in the input: they cost
 * the caller something to compute, so it passes them only when the policy set needs them
 * (`CompiledPolicySet.needs`); a condition that references one that was not passed fails closed.
 */
import { KernelError, type UsageSnapshot } from '../../kernel/index.js';
import { ContextValue, EventValue, PiiValue, UsageValue, UserValue } from './cel-types.js';

/** The environment's variables, as `CompiledPolicySet.needs` reports them. */
export const POLICY_VARIABLES = ['event', 'user', 'usage', 'context', 'model', 'pii'] as const;
export type PolicyVariable = (typeof POLICY_VARIABLES)[number];

/** One bit per variable, so checking that an environment has what a condition reads is one `&`. */
export function variableMask(variables: Iterable<PolicyVariable>): number {
  let mask = 0;
  for (const variable of variables) mask |= 1 << POLICY_VARIABLES.indexOf(variable);
  return mask;
}

/**
 * The typed scalar fields and their CEL types (mirrors createCelEnvironment). A value of one of
 * these is always present and of this type once createPolicyEnv accepted the input, which is
 * what lets guards.ts evaluate simple comparisons on them without CEL.
 */
export const SCALAR_FIELDS: Readonly<Record<string, 'string' | 'int' | 'double' | 'bool'>> = Object.freeze({
  'event.id': 'string',
  'event.type': 'string',
  'event.category': 'string',
  'event.source': 'string',
  'event.subject': 'string',
  'event.depth': 'int',
  'user.id': 'string',
  'usage.events_per_minute': 'int',
  'usage.events_per_hour': 'int',
  'usage.events_per_day': 'int',
  'usage.tokens_today': 'int',
  'usage.tokens_month': 'int',
  'usage.cost_today': 'double',
  'usage.cost_month': 'double',
  'context.path': 'string',
  model: 'string',
  'pii.found': 'bool',
});

/** The usage counters, as the usage port reports them. */
export type PolicyUsageInput = UsageSnapshot;

/** What the caller provides, in plain JSON-ish values (numbers as JS numbers). */
export interface PolicyEnvInput {
  event: {
    id: string;
    type: string;
    category: string;
    source: string;
    subject?: string | undefined;
    depth: number;
    data?: unknown;
    time: string | Date;
  };
  user: { id: string };
  /** Required when `needs.usage`. */
  usage?: PolicyUsageInput | undefined;
  context?: { path: string; paths?: readonly string[] } | undefined;
  model?: string | undefined;
  /** Required when `needs.pii`. */
  pii?: { found: boolean; kinds: readonly string[] } | undefined;
}

const CONSTRUCT = Symbol('PolicyEnv');

/**
 * An environment converted for CEL once, reused by every policy of one decision (and by many
 * decisions, when the caller evaluates the same event again). Treat it as immutable.
 */
export class PolicyEnv {
  /** The CEL activation: variable name to value. */
  readonly vars: Readonly<Partial<Record<PolicyVariable, unknown>>>;
  /** variableMask of the variables present. */
  readonly present: number;
  /** Sizes for the run-time cost bound, measured on first need. */
  #sizes: EnvSizes | undefined;

  /** Use createPolicyEnv: it checks what guards.ts and the CEL types rely on. */
  constructor(token: typeof CONSTRUCT, vars: Partial<Record<PolicyVariable, unknown>>, present: number) {
    if (token !== CONSTRUCT) throw new TypeError('use createPolicyEnv() to build a PolicyEnv');
    this.vars = vars;
    this.present = present;
  }

  has(variable: PolicyVariable): boolean {
    return (this.present & variableMask([variable])) !== 0;
  }

  sizes(): EnvSizes {
    this.#sizes ??= measure(Object.values(this.vars));
    return this.#sizes;
  }
}

export interface EnvSizes {
  /** Elements of the largest list or map. */
  maxCollection: number;
  /** Characters of the longest string (map keys included). */
  maxString: number;
}

function contextValue(context: PolicyEnvInput['context']): ContextValue {
  const path = str(context?.path ?? '', 'context.path');
  const paths = context?.paths ?? (path === '' ? [] : [path]);
  return new ContextValue(path, Object.freeze(paths.map((each, index) => str(each, `context.paths[${index}]`))));
}

/** Converts the caller's values; throws KernelError `invalid_input` for values CEL cannot hold. */
export function createPolicyEnv(input: PolicyEnvInput): PolicyEnv {
  const { event, usage, pii } = input;
  const time = event.time instanceof Date ? event.time : new Date(event.time);
  if (Number.isNaN(time.getTime())) throw invalidEnv('event.time', 'is not a valid timestamp');
  const vars: Partial<Record<PolicyVariable, unknown>> = {
    event: new EventValue(
      str(event.id, 'event.id'),
      str(event.type, 'event.type'),
      str(event.category, 'event.category'),
      str(event.source, 'event.source'),
      str(event.subject ?? '', 'event.subject'),
      toInt(event.depth, 'event.depth'),
      event.data ?? null,
      time,
    ),
    user: new UserValue(str(input.user.id, 'user.id')),
    context: contextValue(input.context),
    model: str(input.model ?? '', 'model'),
  };
  let present = ALWAYS_PRESENT;
  if (usage) {
    present |= USAGE_BIT;
    vars.usage = new UsageValue(
      toInt(usage.events_per_minute, 'usage.events_per_minute'),
      toInt(usage.events_per_hour, 'usage.events_per_hour'),
      toInt(usage.events_per_day, 'usage.events_per_day'),
      toInt(usage.tokens_today, 'usage.tokens_today'),
      toInt(usage.tokens_month, 'usage.tokens_month'),
      toDouble(usage.cost_today, 'usage.cost_today'),
      toDouble(usage.cost_month, 'usage.cost_month'),
    );
  }
  if (pii) {
    if (typeof pii.found !== 'boolean') throw invalidEnv('pii.found', 'must be a boolean');
    if (!Array.isArray(pii.kinds) || !pii.kinds.every((kind) => typeof kind === 'string')) throw invalidEnv('pii.kinds', 'must be a list of strings');
    present |= PII_BIT;
    vars.pii = new PiiValue(pii.found, [...pii.kinds]);
  }
  return new PolicyEnv(CONSTRUCT, vars, present);
}

const ALWAYS_PRESENT = variableMask(['event', 'user', 'context', 'model']);
const USAGE_BIT = variableMask(['usage']);
const PII_BIT = variableMask(['pii']);

function str(value: string, field: string): string {
  if (typeof value !== 'string') throw invalidEnv(field, 'must be a string');
  return value;
}

function toInt(value: number, field: string): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidEnv(field, 'must be a finite number');
  return BigInt(Math.trunc(value));
}

function toDouble(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidEnv(field, 'must be a finite number');
  return value;
}

function invalidEnv(field: string, reason: string): KernelError {
  return new KernelError('invalid_input', `policy environment: ${field} ${reason}`, { details: { field } });
}

/** One iterative pass (deeply nested data must not overflow the stack). */
function measure(roots: readonly unknown[]): EnvSizes {
  let maxCollection = 0;
  let maxString = 0;
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.length > maxString) maxString = value.length;
    } else if (Array.isArray(value)) {
      if (value.length > maxCollection) maxCollection = value.length;
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
      const keys = Object.keys(value);
      if (keys.length > maxCollection) maxCollection = keys.length;
      for (const key of keys) {
        if (key.length > maxString) maxString = key.length;
        stack.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return { maxCollection, maxString };
}
