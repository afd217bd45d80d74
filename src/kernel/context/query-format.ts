/**
 * Conditions printed back in the query language (for docs, logs and error messages), and the
 * nesting measure the parser and the stores share.
 *
 * For every condition parseContextQuery can return, `parseContextQuery(formatCondition(c))`
 * deep-equals `c`. Any condition that passes conditionSchema prints to text with the same
 * meaning, but some do not read back exactly: a one-element and/or prints as its element, and
 * ASTs the language refuses as never matching (`size = "10"`, `priority < null`) print as
 * written but do not parse.
 */
import type { Condition, Scalar } from './query.js';
import { formatFieldName } from './query-fields.js';

const SYMBOLS = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

export function formatCondition(condition: Condition): string {
  switch (condition.op) {
    case 'and':
    case 'or': {
      const inner = unwrap(condition);
      if (inner !== condition) return formatCondition(inner);
      return condition.conditions.map(formatOperand).join(` ${condition.op} `);
    }
    case 'not':
      return `not ${formatOperand(condition.condition)}`;
    case 'exists':
      return `exists ${formatFieldName(condition.field)}`;
    case 'in':
      return `${formatFieldName(condition.field)} in (${condition.values.map(formatValue).join(', ')})`;
    case 'contains':
    case 'startsWith':
      return `${formatFieldName(condition.field)} ${condition.op} ${formatValue(condition.value)}`;
    default:
      return `${formatFieldName(condition.field)} ${SYMBOLS[condition.op]} ${formatValue(condition.value)}`;
  }
}

/**
 * An and/or inside and/or/not is always parenthesized: it keeps nested nodes nested when read
 * back, and spares the reader the precedence of and over or.
 */
function formatOperand(condition: Condition): string {
  const node = unwrap(condition);
  const text = formatCondition(node);
  return node.op === 'and' || node.op === 'or' ? `(${text})` : text;
}

/** A one-element and/or means its element. */
function unwrap(condition: Condition): Condition {
  let node = condition;
  while ((node.op === 'and' || node.op === 'or') && node.conditions.length === 1 && node.conditions[0] !== undefined) node = node.conditions[0];
  return node;
}

/** Strings as JSON string literals (the language's escapes are JSON's); -0 kept as -0. */
export function formatValue(value: Scalar): string {
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return JSON.stringify(value);
}

/**
 * Levels of and/or/not on the deepest branch (a comparison is 0; `a and not b` is 2); the
 * measure MAX_CONDITION_DEPTH bounds. Iterative, so an unvalidated deep input cannot overflow
 * the stack here.
 */
export function conditionDepth(condition: Condition): number {
  let deepest = 0;
  const pending: Array<[Condition, number]> = [[condition, 0]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [node, depth] = item;
    deepest = Math.max(deepest, depth);
    if (node.op === 'and' || node.op === 'or') for (const child of node.conditions) pending.push([child, depth + 1]);
    else if (node.op === 'not') pending.push([node.condition, depth + 1]);
  }
  return deepest;
}
