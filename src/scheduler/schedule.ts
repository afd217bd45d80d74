/**
 * A schedule as users write it and as the store keeps it: an event to publish once at an instant
 * (`at`), or at every slot of a cron pattern in an IANA time zone (`cron`, `timezone`). What
 * happens to slots missed while no scheduler ran is the schedule's `catchup`: `once` publishes
 * the earliest missed slot once, `skip` publishes none; either way the schedule then continues
 * from the next slot after now, so downtime never fires a burst.
 */
import { z } from 'zod';
import { eventTypeSchema } from '../kernel/index.js';
import { checkCron, checkTimeZone } from './slots.js';

export const SCHEDULE_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const scheduleIdSchema = z.string().regex(SCHEDULE_ID, 'must be 1-64 letters, digits, _ or -');

const instantSchema = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp with a time zone, e.g. 2027-01-04T09:00:00Z' });

export const scheduleInputSchema = z
  .strictObject({
    id: scheduleIdSchema.optional(),
    name: z.string().min(1).max(200).optional(),
    event: z.strictObject({
      type: eventTypeSchema,
      data: z.unknown().optional(),
      subject: z.string().max(512).optional(),
    }),
    at: instantSchema.optional(),
    cron: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(64).default('UTC'),
    catchup: z.enum(['once', 'skip']).default('once'),
  })
  .superRefine((input, context) => {
    if ((input.at === undefined) === (input.cron === undefined)) {
      context.addIssue({ code: 'custom', path: ['at'], message: 'give exactly one of "at" (one time) and "cron" (recurring)' });
    }
    const zone = checkTimeZone(input.timezone);
    if (zone !== undefined) context.addIssue({ code: 'custom', path: ['timezone'], message: zone });
    if (input.cron !== undefined && zone === undefined) {
      const problem = checkCron(input.cron, input.timezone);
      if (problem !== undefined) context.addIssue({ code: 'custom', path: ['cron'], message: problem });
    }
  });
export type ScheduleInput = z.input<typeof scheduleInputSchema>;

export const scheduleSchema = z.object({
  id: scheduleIdSchema,
  userId: z.string(),
  name: z.string().optional(),
  event: z.object({ type: z.string(), data: z.unknown().optional(), subject: z.string().optional() }),
  at: z.string().optional(),
  cron: z.string().optional(),
  timezone: z.string(),
  catchup: z.enum(['once', 'skip']),
  /** `completed`: a one-time schedule that fired, or a cron pattern with no slot left. */
  status: z.enum(['active', 'paused', 'completed']),
  /** The next slot to fire (absent when paused or completed). */
  nextFireAt: z.string().optional(),
  lastFiredAt: z.string().optional(),
  /** The id of the last event published. */
  lastEventId: z.string().optional(),
  fired: z.number().int().min(0),
  /** Slots not published because they were missed with `catchup: skip`, or repeated by the catch-up. */
  skipped: z.number().int().min(0),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof scheduleSchema>;
