/**
 * A fast path for the simple conditions most policies are made of, without changing any result.
 *
 * Comparisons of a typed scalar field with a literal (`event.type == "x"`,
 * `usage.events_per_minute > 600`, `context.path.startsWith("/Personal/")`, `model in [...]`,
 * `pii.found`), and `!`, `&&`, `||` over them, are compiled into plain closures (no eval: a
 * closure per node). On these fields they are total (createPolicyEnv guarantees the field is
 * present and of its type), and they compute what the CEL library computes: its
 * startsWith/endsWith/contains are the JavaScript methods, its int/double comparisons are
 * numeric, as JavaScript's bigint/number comparisons are.
 *
 * - `exact`: the whole condition is such an expression: its value, CEL is not run.
 * - `prefilter`: a conjunction of the top-level `&&` operands that are, or that are `exists`
 *   (or `exists_one`) over one of the environment's typed lists (`context.paths`, `pii.kinds`),
 *   which is false on an empty list whatever its predicate: when the prefilter is false, the
 *   condition is false (CEL's `&&` is false when either side is false, even if the other errs),
 *   so CEL, and the run-time cost bound, run only when it is true. (The default /Personal rule
 *   is such an `exists`, and most events name no context path.)
 * The property tests compare both with the CEL library on random environments.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { SCALAR_FIELDS } from './environment.js';

export type Vars = Readonly<Record<string, unknown>>;
export type Guard = (vars: Vars) => boolean;
type Getter = (vars: Vars) => unknown;
type Literal = string | number | bigint | boolean;

export interface Guards {
  exact?: Guard;
  prefilter?: Guard;
}

export function compileGuards(root: ASTNode): Guards {
  const exact = guard(root);
  if (exact) return { exact };
  const conjuncts = flattenAnd(root)
    .map((node) => guard(node) ?? nonEmptyFor(node))
    .filter((g): g is Guard => g !== undefined);
  if (conjuncts.length === 0) return {};
  return { prefilter: conjuncts.reduce((a, b) => (vars) => a(vars) && b(vars)) };
}

function flattenAnd(node: ASTNode): ASTNode[] {
  return node.op === '&&' ? [...flattenAnd(node.args[0]), ...flattenAnd(node.args[1])] : [node];
}

function guard(node: ASTNode): Guard | undefined {
  switch (node.op) {
    case '&&':
    case '||': {
      const left = guard(node.args[0]);
      const right = left && guard(node.args[1]);
      if (!left || !right) return undefined;
      return node.op === '&&' ? (vars) => left(vars) && right(vars) : (vars) => left(vars) || right(vars);
    }
    case '!_': {
      const inner = guard(node.args);
      return inner && ((vars) => !inner(vars));
    }
    case 'value':
      return typeof node.args === 'boolean' ? constant(node.args) : undefined;
    case 'in':
      return membership(node.args[0], node.args[1]);
    case 'rcall':
      return stringMethod(node.args[0], node.args[1], node.args[2]);
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(node.op, node.args[0], node.args[1]);
    default: {
      const field = scalarField(node);
      if (field?.type !== 'bool') return undefined;
      const get = field.get;
      return (vars) => get(vars) === true;
    }
  }
}

const constant = (value: boolean): Guard => () => value;

function comparison(op: '==' | '!=' | '<' | '<=' | '>' | '>=', left: ASTNode, right: ASTNode): Guard | undefined {
  const field = scalarField(left) ?? scalarField(right);
  const value = literal(scalarField(left) ? right : left);
  if (!field || value === undefined) return undefined;
  const flipped = scalarField(left) === undefined;
  const get = field.get;
  if (op === '==' || op === '!=') {
    if (!sameType(field.type, value)) return undefined;
    return op === '==' ? (vars) => get(vars) === value : (vars) => get(vars) !== value;
  }
  // Ordering: numbers only (CEL orders strings by code point, JavaScript by UTF-16 unit).
  if ((field.type !== 'int' && field.type !== 'double') || (typeof value !== 'bigint' && typeof value !== 'number')) return undefined;
  const actual = flipped ? ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[op] : op;
  switch (actual) {
    case '<':
      return (vars) => (get(vars) as number) < value;
    case '<=':
      return (vars) => (get(vars) as number) <= value;
    case '>':
      return (vars) => (get(vars) as number) > value;
    case '>=':
      return (vars) => (get(vars) as number) >= value;
  }
}

function membership(item: ASTNode, list: ASTNode): Guard | undefined {
  const field = scalarField(item);
  if (field?.type !== 'string' || list.op !== 'list') return undefined;
  const values = list.args.map(literal);
  if (!values.every((value): value is string => typeof value === 'string')) return undefined;
  const set = new Set(values);
  const get = field.get;
  return (vars) => set.has(get(vars) as string);
}

function stringMethod(name: string, receiver: ASTNode, args: readonly ASTNode[]): Guard | undefined {
  const field = scalarField(receiver);
  const arg = args.length === 1 ? literal(args[0] as ASTNode) : undefined;
  if (field?.type !== 'string' || typeof arg !== 'string') return undefined;
  const get = field.get;
  if (name === 'startsWith') return (vars) => (get(vars) as string).startsWith(arg);
  if (name === 'endsWith') return (vars) => (get(vars) as string).endsWith(arg);
  if (name === 'contains') return (vars) => (get(vars) as string).includes(arg);
  return undefined;
}

/** For `list.exists(x, ...)` on a typed list of the environment: whether the list is non-empty. */
function nonEmptyFor(node: ASTNode): Guard | undefined {
  if (node.op !== 'rcall' || (node.args[0] !== 'exists' && node.args[0] !== 'exists_one')) return undefined;
  const receiver = node.args[1];
  if (receiver.op !== '.' || receiver.args[0].op !== 'id') return undefined;
  const name = `${receiver.args[0].args}.${receiver.args[1]}`;
  if (name === 'context.paths') return (vars) => ((vars.context as Record<string, unknown>).paths as readonly unknown[]).length > 0;
  if (name === 'pii.kinds') return (vars) => ((vars.pii as Record<string, unknown>).kinds as readonly unknown[]).length > 0;
  return undefined;
}

/**
 * One accessor per field, with static property names: the decision loop calls these millions of
 * times, and a computed `vars[name][key]` lookup would make every call site megamorphic.
 */
const GETTERS: Readonly<Record<string, Getter>> = {
  'event.id': (vars) => (vars.event as Record<string, unknown>).id,
  'event.type': (vars) => (vars.event as Record<string, unknown>).type,
  'event.category': (vars) => (vars.event as Record<string, unknown>).category,
  'event.source': (vars) => (vars.event as Record<string, unknown>).source,
  'event.subject': (vars) => (vars.event as Record<string, unknown>).subject,
  'event.depth': (vars) => (vars.event as Record<string, unknown>).depth,
  'user.id': (vars) => (vars.user as Record<string, unknown>).id,
  'usage.events_per_minute': (vars) => (vars.usage as Record<string, unknown>).events_per_minute,
  'usage.events_per_hour': (vars) => (vars.usage as Record<string, unknown>).events_per_hour,
  'usage.events_per_day': (vars) => (vars.usage as Record<string, unknown>).events_per_day,
  'usage.tokens_today': (vars) => (vars.usage as Record<string, unknown>).tokens_today,
  'usage.tokens_month': (vars) => (vars.usage as Record<string, unknown>).tokens_month,
  'usage.cost_today': (vars) => (vars.usage as Record<string, unknown>).cost_today,
  'usage.cost_month': (vars) => (vars.usage as Record<string, unknown>).cost_month,
  'context.path': (vars) => (vars.context as Record<string, unknown>).path,
  model: (vars) => vars.model,
  'pii.found': (vars) => (vars.pii as Record<string, unknown>).found,
};

function scalarField(node: ASTNode): { type: string; get: Getter } | undefined {
  let name: string;
  if (node.op === 'id') name = node.args;
  else if (node.op === '.' && node.args[0].op === 'id') name = `${node.args[0].args}.${node.args[1]}`;
  else return undefined;
  const type = SCALAR_FIELDS[name];
  const get = GETTERS[name];
  return type === undefined || get === undefined ? undefined : { type, get };
}

function literal(node: ASTNode): Literal | undefined {
  if (node.op === 'value') {
    const value = node.args;
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? value : undefined;
  }
  if (node.op === '-_' && node.args.op === 'value') {
    const value = node.args.args;
    return typeof value === 'number' || typeof value === 'bigint' ? -value : undefined;
  }
  return undefined;
}

function sameType(type: string, value: Literal): boolean {
  return (type === 'string' && typeof value === 'string') || (type === 'int' && typeof value === 'bigint') || (type === 'double' && typeof value === 'number') || (type === 'bool' && typeof value === 'boolean');
}
