/**
 * How compile.ts words what it refuses: zod's issues as pointers naming the step, "is required"
 * for a missing field, and "did you mean" for a misspelt step id.
 */
import type { z } from 'zod';
import type { PlanProblem } from './compile.js';

export function suggest(name: string, positions: ReadonlyMap<string, number>): string {
  const lower = name.toLowerCase();
  // Within a quarter of the name's length in edits, and never most of a short name.
  const near = Math.max(1, Math.ceil(name.length / 4));
  for (const id of positions.keys()) {
    const edits = distance(id, name);
    if (id.toLowerCase() === lower || (edits <= near && edits * 2 < name.length)) return ` (did you mean "${id}"?)`;
  }
  return '';
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 4;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

export function zodProblems(issue: z.core.$ZodIssue, body: unknown): PlanProblem[] {
  const step = stepIdAt(body, issue.path);
  const base = (path: readonly PropertyKey[], reason: string): PlanProblem => ({ pointer: pointerOf(path), ...(step !== undefined && { step }), reason });
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => base([...issue.path, key], 'is not a known field'));
  if ((issue.code === 'invalid_union' || issue.code === 'invalid_value') && issue.path[0] === 'plan' && (issue.path.length === 2 || issue.path[2] === 'action')) {
    return [base([...issue.path.slice(0, 2), 'action'], 'must be one of emit_event, call_tool, wait_for_event, sleep, sub_plan')];
  }
  return [base(issue.path, issue.message)];
}

function stepIdAt(body: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'plan' || typeof path[1] !== 'number' || body === null || typeof body !== 'object') return undefined;
  const plan = (body as { plan?: unknown }).plan;
  const step = Array.isArray(plan) ? (plan[path[1]] as { id?: unknown } | undefined) : undefined;
  return typeof step?.id === 'string' ? step.id : `#${path[1] + 1}`;
}

export function requiredMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined ? 'is required' : undefined;
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
