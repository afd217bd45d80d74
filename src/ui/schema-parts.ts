/**
 * The pieces the UI application format is built from: ids, type patterns, windows, templates,
 * form fields, the fields every component has, and the wording of zod's issues.
 */
import { z } from 'zod';
import { isValidTypePattern, timeWindowSchema, windowMs } from '../kernel/index.js';
import { checkTemplate } from './template.js';

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const id = z.string().regex(ID, 'must start with a letter and be at most 64 letters, digits, "_" or "-"');
export const typePattern = z.string().refine(isValidTypePattern, 'must be an event type ("task.created"), a prefix ("task.*") or "*"');
export const eventType = z.string().refine((value) => value !== '*' && !value.endsWith('.*') && isValidTypePattern(value), 'must be an event type such as "task.create"');
export const template = z.string().max(8192).superRefine((value, ctx) => {
  for (const reason of checkTemplate(value)) ctx.addIssue({ code: 'custom', message: reason });
});

/** `7d`, `24h`, `30m`: how far back a chart or metric looks (the kernel's parser, which the aggregate API shares). */
export const window = timeWindowSchema;
export { windowMs };

export const fieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a field name such as "title"'),
  label: z.string().max(200).optional(),
  input: z.enum(['text', 'textarea', 'number', 'select']).default('text'),
  options: z.array(z.string().max(200)).min(1).max(100).optional(),
  required: z.boolean().default(false),
});
/** A form field: a name (`title`) or the full description. */
const formField = z.union([z.string().transform((name, ctx) => {
  const parsed = fieldSchema.safeParse({ name });
  if (!parsed.success) ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'is not a field name' });
  return parsed.success ? parsed.data : z.NEVER;
}), fieldSchema]);
export const formFields = z.array(formField).min(1).max(50);

/** Fields every component has. */
export const base = {
  id,
  title: z.string().max(200).optional(),
  /** Grid columns the component spans (at most the layout's). */
  span: z.number().int().min(1).max(12).default(1),
  /**
   * Shown to admins only. A convenience, not the protection: what an admin view reads, the API
   * refuses to anyone else (403), whatever the page shows.
   */
  admin: z.boolean().default(false),
};

/** Clearer wording than zod's defaults for missing and mistyped values. */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_value') return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
  if (issue.code === 'invalid_type') return `must be ${/^[aeiou]/.test(String(issue.expected)) ? 'an' : 'a'} ${String(issue.expected)}`;
  return undefined;
}
