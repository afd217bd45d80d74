/**
 * A schedule from a request body: one KernelError `invalid_input` whose `details.errors` names
 * every bad field by JSON pointer (`/cron`, `/event/type`), so `POST /api/schedules` answers a
 * 400 a client can act on.
 */
import type { z } from 'zod';
import { KernelError } from '../kernel/index.js';
import { scheduleInputSchema } from './schedule.js';

export type ParsedScheduleInput = z.output<typeof scheduleInputSchema>;

interface Issue {
  pointer: string;
  reason: string;
}

export function parseScheduleInput(body: unknown): ParsedScheduleInput {
  const parsed = scheduleInputSchema.safeParse(body, { error: requiredMessage });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap(toIssues);
  const listed = issues.map((issue) => `${issue.pointer || '(root)'} ${issue.reason}`).join('; ');
  throw new KernelError('invalid_input', `the schedule is invalid: ${listed}`, { details: { errors: issues } });
}

function toIssues(issue: z.core.$ZodIssue): Issue[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ pointer: pointerOf([...issue.path, key]), reason: 'is not a known field' }));
  return [{ pointer: pointerOf(issue.path), reason: issue.message }];
}

/** "is required" for a missing field, zod's own wording otherwise. */
function requiredMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined ? 'is required' : undefined;
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
