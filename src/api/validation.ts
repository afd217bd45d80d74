/**
 * Turning zod issues into problem `errors` entries that name the field and the reason, so a
 * client can fix its request without reading our schemas.
 */
import type { z } from 'zod';
import { KernelError } from '../kernel/index.js';
import type { ValidationIssue } from './problem.js';

/** Where an issue at a zod path is reported: `{pointer}` for bodies, `{field}` for headers and parameters. */
export type Locate = (path: readonly PropertyKey[]) => { pointer: string } | { field: string };

/** JSON pointer (RFC 6901) for a path below `prefix`. */
export function jsonPointer(path: readonly PropertyKey[], prefix = ''): string {
  return prefix + path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export const atPointer = (prefix = ''): Locate => (path) => ({ pointer: jsonPointer(path, prefix) });

/** Per-parse error map: clearer wording than zod's defaults for missing and mistyped values. */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_value') return `must be ${issue.values.map((value) => (typeof value === 'string' ? JSON.stringify(value) : String(value))).join(' or ')}`;
  if (issue.code !== 'invalid_type') return undefined;
  const expected = String(issue.expected);
  return `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected} (got ${describeValue(issue.input)})`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * One issue per offending field. Unknown keys are split into one issue each so every extra
 * attribute is named; `unknownReason` lets a caller explain specific ones.
 */
export function issuesFrom(error: z.ZodError, locate: Locate, unknownReason: (key: string) => string): ValidationIssue[] {
  return error.issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ ...locate([...issue.path, key]), reason: unknownReason(key) }));
    }
    return [{ ...locate(issue.path), reason: issue.message }];
  });
}

/** The KernelError for a request that failed validation; `detail` lists every issue. */
export function invalidInput(what: string, issues: readonly ValidationIssue[]): KernelError {
  const listed = issues.map((issue) => `${'pointer' in issue ? issue.pointer || '(root)' : issue.field} ${issue.reason}`);
  return new KernelError('invalid_input', `${what} is invalid: ${listed.join('; ')}`, { details: { errors: [...issues] } });
}
