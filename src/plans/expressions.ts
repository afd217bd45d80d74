/**
 * CEL in plans: step conditions, wait matches, trigger conditions and `{{ expression }}`
 * templates are all CEL (the same safe, side-effect-free language as policies, through the same
 * library; no `eval`). Expressions are checked when an instruction is submitted, so a typo is a
 * 400 naming the step instead of a failed run.
 *
 * What an expression sees:
 *   inputs   the plan's inputs (map)
 *   steps    steps.<id>.output / .status / .error of the steps it depends on
 *   trigger  the event that started the plan: id, type, subject, data, time
 *   plan     id, instruction, started_at
 *   now      when the step became ready (a timestamp: `now - duration('24h')`)
 *   event    in a wait's `match` and a trigger's `condition`: the candidate event
 *
 * `{{fetch_emails.output}}` is short for `{{steps.fetch_emails.output}}` (the seed's spelling).
 */
import { Environment } from '@marcbachmann/cel-js';

export type Scope = 'step' | 'match' | 'trigger';

const BASE_VARIABLES = ['inputs', 'steps', 'trigger', 'plan', 'now'] as const;
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...BASE_VARIABLES, 'event']);

function environment(scope: Scope): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: false,
    enableOptionalTypes: false,
    limits: { maxAstNodes: 500, maxDepth: 32, maxListElements: 200, maxMapEntries: 200, maxCallArguments: 16 },
  }).registerVariable('now', 'google.protobuf.Timestamp');
  if (scope === 'trigger') return env.registerVariable('event', 'dyn');
  env.registerVariable('inputs', 'map<string, dyn>').registerVariable('steps', 'map<string, dyn>').registerVariable('trigger', 'dyn').registerVariable('plan', 'dyn');
  return scope === 'match' ? env.registerVariable('event', 'dyn') : env;
}

const ENVIRONMENTS: Record<Scope, Environment> = { step: environment('step'), match: environment('match'), trigger: environment('trigger') };

type Program = (vars: Record<string, unknown>) => unknown;
/** Programs by scope and text: plans repeat the same few expressions thousands of times. */
const programs = new Map<string, Program>();
const MAX_PROGRAMS = 5000;

/** Why `source` is not a valid expression in `scope`, or undefined. */
export function checkExpression(source: string, scope: Scope): string | undefined {
  const result: { valid: boolean; error?: { message?: string } } = ENVIRONMENTS[scope].check(source);
  if (result.valid) return undefined;
  return (result.error?.message ?? 'is not a valid CEL expression').split('\n')[0];
}

export function evaluate(source: string, scope: Scope, vars: Record<string, unknown>): unknown {
  const key = `${scope}\n${source}`;
  let program = programs.get(key);
  if (program === undefined) {
    program = ENVIRONMENTS[scope].parse(source);
    if (programs.size >= MAX_PROGRAMS) programs.delete(programs.keys().next().value as string);
    programs.set(key, program);
  }
  return toJson(program(toCel(vars) as Record<string, unknown>));
}

/**
 * JSON values as CEL sees them: whole numbers as `int` (so `count * 2` and `size(list) == n`
 * work as written), other numbers as `double`. `double(x)` converts where a fraction is meant.
 */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype === Object.prototype || prototype === null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toCel(item)]));
  }
  return value;
}

/** The step ids an expression reads through `steps.<id>` (after shorthand expansion). */
export function stepReferences(source: string): string[] {
  return [...source.matchAll(/\bsteps\s*\.\s*([A-Za-z][A-Za-z0-9_]*)|\bsteps\s*\[\s*['"]([A-Za-z][A-Za-z0-9_]*)['"]\s*\]/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** `{{fetch.output}}` -> `steps.fetch.output` when `fetch` is a step of the plan. */
export function expandShorthand(source: string, stepIds: ReadonlySet<string>): string {
  const head = /^\s*([A-Za-z][A-Za-z0-9_]*)(?=\s*(\.|\[|$))/.exec(source);
  if (head === null || RESERVED_NAMES.has(head[1]!) || !stepIds.has(head[1]!)) return source;
  return `steps.${source.trimStart()}`;
}

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const WHOLE_TEMPLATE = /^\{\{([\s\S]*?)\}\}$/;

/** Every `{{ }}` expression in a value (strings inside objects and lists too). */
export function templateExpressions(value: unknown): string[] {
  const found: string[] = [];
  walkStrings(value, (text) => {
    for (const match of text.matchAll(TEMPLATE)) found.push(match[1]!.trim());
  });
  return found;
}

/** `value` with the shorthand in its templates written out (done once, when compiling). */
export function expandTemplates(value: unknown, stepIds: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return value.includes('{{') ? value.replace(TEMPLATE, (_, expression: string) => `{{${expandShorthand(expression.trim(), stepIds)}}}`) : value;
  if (Array.isArray(value)) return value.map((item) => expandTemplates(item, stepIds));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, expandTemplates(item, stepIds)]));
  }
  return value;
}

/**
 * Renders templates in `value`. A string that is exactly one template takes the expression's
 * value (a list stays a list); templates inside text are written into it (objects as JSON).
 */
export function render(value: unknown, vars: Record<string, unknown>, stepIds: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_TEMPLATE.exec(value);
    if (whole && !whole[1]!.includes('}}')) return evaluate(expandShorthand(whole[1]!.trim(), stepIds), 'step', vars);
    if (!value.includes('{{')) return value;
    return value.replace(TEMPLATE, (_, expression: string) => {
      const result = evaluate(expandShorthand(expression.trim(), stepIds), 'step', vars);
      return typeof result === 'string' ? result : JSON.stringify(result ?? null);
    });
  }
  if (Array.isArray(value)) return value.map((item) => render(item, vars, stepIds));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, render(item, vars, stepIds)]));
  }
  return value;
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) walkStrings(item, visit);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value as Record<string, unknown>)) walkStrings(item, visit);
}

/** CEL values as JSON: ints (bigint) as numbers, timestamps as RFC 3339, maps as objects. */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), toJson(item)]));
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype === Object.prototype || prototype === null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)]));
    // A duration, a type value: its text.
    return (value as { toString(): string }).toString();
  }
  return value;
}
