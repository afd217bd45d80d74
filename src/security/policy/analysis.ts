/**
 * What a condition's syntax tree tells before any evaluation: which environment variables it
 * reads (for `needs`, and to fail closed when one was not provided), how deeply its
 * comprehensions nest, and which regular expressions it runs: the inputs of the cost bound in
 * limits.ts. The tree is the library's parsed (not yet macro-expanded) AST.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { POLICY_VARIABLES, type PolicyVariable } from './environment.js';
import type { PolicyLimits } from './limits.js';
import { regexCost } from './regex-cost.js';

export interface ConditionAnalysis {
  /** Environment variables the condition reads. */
  uses: ReadonlySet<PolicyVariable>;
  /** One entry per comprehension: its nesting depth (1 = not inside another). */
  comprehensions: readonly ComprehensionUse[];
  regexes: readonly RegexUse[];
  /** `+` operators (list concatenation can grow a list this many times over). */
  plusCount: number;
  /** `split` turns a string into a list as long as the string. */
  usesSplit: boolean;
  /** Elements of the largest list or map literal. */
  maxLiteral: number;
}

export interface ComprehensionUse {
  depth: number;
  /** Its body does work that grows with a string's length (every call but a constant-time one). */
  stringWork: boolean;
  /** Field path of the collection it ranges over (`['pii', 'kinds']`), or null when computed. */
  range: readonly (string | number)[] | null;
  /** Its body reads an environment variable (not only its own element and literals). */
  readsEnv: boolean;
}

export interface RegexUse {
  /** Field path of the matched string (`['event', 'data', 'email']`), or null when computed. */
  path: readonly (string | number)[] | null;
  exponent: number;
  constant: number;
  /** Comprehensions around this call. */
  depth: number;
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/**
 * Functions that take constant time whatever their input's size. Everything else counts as
 * string work: even `size` counts code points, and `int("...")` parses.
 */
const CONSTANT_TIME = new Set(['has', 'dyn', 'type', 'bool']);
const VARIABLES: ReadonlySet<string> = new Set(POLICY_VARIABLES);

/** Analyses a parsed condition; returns the reason when it breaks a static limit. */
export function analyzeCondition(root: ASTNode, limits: PolicyLimits): ConditionAnalysis | { error: string } {
  const uses = new Set<PolicyVariable>();
  const comprehensions: ComprehensionUse[] = [];
  const regexes: RegexUse[] = [];
  let plusCount = 0;
  let usesSplit = false;
  let maxLiteral = 0;
  /** Comprehensions enclosing the node being visited. */
  const open: ComprehensionUse[] = [];

  const visit = (node: ASTNode, bound: ReadonlySet<string>): string | undefined => {
    switch (node.op) {
      case 'value':
        return undefined;
      case 'id':
        if (!bound.has(node.args) && VARIABLES.has(node.args)) {
          uses.add(node.args as PolicyVariable);
          for (const comprehension of open) comprehension.readsEnv = true;
        }
        return undefined;
      case '.':
      case '.?':
        return visit(node.args[0], bound);
      case 'list':
        maxLiteral = Math.max(maxLiteral, node.args.length);
        return visitAll(node.args, bound);
      case 'map':
        maxLiteral = Math.max(maxLiteral, node.args.length);
        return visitAll(node.args.flat(), bound);
      case 'call':
        if (!CONSTANT_TIME.has(node.args[0])) markStringWork();
        return visitAll(node.args[1], bound);
      case 'rcall':
        return visitMethod(node.args[0], node.args[1], node.args[2], bound);
      case '!_':
      case '-_':
        return visit(node.args, bound);
      case '?:':
        return visitAll(node.args, bound);
      default:
        // Only `+` between lists grows a list; a scalar literal operand rules that out.
        if (node.op === '+' && !node.args.some((arg) => arg.op === 'value' && arg.args !== null && typeof arg.args !== 'object')) plusCount += 1;
        return visitAll(node.args, bound);
    }
  };

  const visitAll = (nodes: readonly ASTNode[], bound: ReadonlySet<string>): string | undefined => {
    for (const child of nodes) {
      const error = visit(child, bound);
      if (error !== undefined) return error;
    }
    return undefined;
  };

  const visitMethod = (name: string, receiver: ASTNode, args: readonly ASTNode[], bound: ReadonlySet<string>): string | undefined => {
    const [first, ...rest] = args;
    if (COMPREHENSIONS.has(name) && first?.op === 'id') {
      const depth = open.length + 1;
      if (depth > limits.maxComprehensionNesting) {
        return `comprehensions (all, exists, exists_one, map, filter) may nest at most ${limits.maxComprehensionNesting} deep; ${name}() here is at depth ${depth}`;
      }
      const receiverError = visit(receiver, bound);
      if (receiverError !== undefined) return receiverError;
      const comprehension: ComprehensionUse = { depth, stringWork: false, range: fieldPath(receiver, bound), readsEnv: false };
      comprehensions.push(comprehension);
      open.push(comprehension);
      const error = visitAll(rest, new Set([...bound, first.args]));
      open.pop();
      return error;
    }
    if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && first?.op === 'id' && rest.length === 2) {
      return visit(rest[0] as ASTNode, bound) ?? visit(rest[1] as ASTNode, new Set([...bound, first.args]));
    }
    if (!CONSTANT_TIME.has(name)) markStringWork();
    if (name === 'split') usesSplit = true;
    if (name === 'matches') {
      if (first?.op !== 'value' || typeof first.args !== 'string') {
        return 'matches() takes a string literal pattern (so it can be checked when the policy is saved)';
      }
      if (first.args.length > limits.maxRegexLength) return `matches() patterns may be at most ${limits.maxRegexLength} characters`;
      const cost = regexCost(first.args);
      if ('error' in cost) return cost.error;
      regexes.push({ path: fieldPath(receiver, bound), ...cost, depth: open.length });
    }
    return visit(receiver, bound) ?? visitAll(args, bound);
  };

  const markStringWork = (): void => {
    for (const comprehension of open) comprehension.stringWork = true;
  };

  const error = visit(root, new Set());
  if (error !== undefined) return { error };
  return { uses, comprehensions, regexes, plusCount, usesSplit, maxLiteral };
}

/** `event.data.email` -> ['event', 'data', 'email'], for a path from an environment variable. */
function fieldPath(node: ASTNode, bound: ReadonlySet<string>): (string | number)[] | null {
  const path: (string | number)[] = [];
  let current = node;
  for (;;) {
    if (current.op === 'id') {
      if (bound.has(current.args) || !VARIABLES.has(current.args)) return null;
      path.unshift(current.args);
      return path;
    }
    if (current.op === '.') {
      path.unshift(current.args[1]);
      current = current.args[0];
    } else if (current.op === '[]' && current.args[1].op === 'value' && (typeof current.args[1].args === 'string' || typeof current.args[1].args === 'bigint')) {
      const key = current.args[1].args;
      path.unshift(typeof key === 'bigint' ? Number(key) : key);
      current = current.args[0];
    } else {
      return null;
    }
  }
}
