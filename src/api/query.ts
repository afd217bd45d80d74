/** Query parameters: parsed with zod, every problem reported against the parameter's name. */
import { z } from 'zod';
import { isValidTypePattern, parseTypeFilter } from '../kernel/index.js';
import type { ValidationIssue } from './problem.js';
import { describeIssue, invalidInput, issuesFrom } from './validation.js';

/** `demo.*,task.created`: a comma list of exact types, `prefix.*` patterns or `*`. */
export const typeFilterSchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .transform(parseTypeFilter)
  .refine((patterns) => patterns.every(isValidTypePattern), {
    error: (issue) => {
      const bad = Array.isArray(issue.input) ? issue.input.filter((pattern) => typeof pattern === 'string' && !isValidTypePattern(pattern)) : [];
      return `has invalid type patterns ${bad.map((pattern) => JSON.stringify(pattern)).join(', ')}: use exact types ("demo.ping"), prefixes ("demo.*") or "*"`;
    },
  });

export const MAX_LIST_LIMIT = 500;

/** A whole-number query parameter from `min` to `max`; each way it can be wrong is named. */
export function wholeNumberParam(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** An instant: RFC 3339 with a zone (`Z` or an offset). */
export const timestampParam = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z' })
  .transform((value) => new Date(value));

export const streamQuerySchema = z.strictObject({ filter: typeFilterSchema.optional() });

export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.output<S> {
  const issues: ValidationIssue[] = [];
  const names = [...new Set(url.searchParams.keys())];
  for (const name of names) {
    if (url.searchParams.getAll(name).length > 1) issues.push({ field: name, reason: 'must be given at most once' });
  }
  // fromEntries defines own properties, so a parameter named `__proto__` is reported, not swallowed.
  const values = Object.fromEntries(names.map((name) => [name, url.searchParams.get(name) ?? '']));
  const parsed = schema.safeParse(values, { error: describeIssue });
  if (!parsed.success) issues.push(...issuesFrom(parsed.error, (path) => ({ field: String(path[0] ?? '') }), () => 'is not a supported parameter'));
  if (!parsed.success || issues.length > 0) throw invalidInput('the query', issues);
  return parsed.data;
}
