/**
 * The processing record of one event: what `GET /api/events/{id}` shows and what the dedupe
 * stage consults. Stored per user (partition key `userId`).
 */
import { z } from 'zod';
import { envelopeSchema } from './envelope.js';

export const eventStatusSchema = z.enum(['accepted', 'processed', 'failed', 'dead_lettered', 'denied']);
export type EventStatus = z.infer<typeof eventStatusSchema>;

/** Statuses after which the event is never run again. */
export const FINAL_STATUSES: ReadonlySet<EventStatus> = new Set(['processed', 'failed', 'dead_lettered', 'denied']);

export const errorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export const driverRunSchema = z.object({
  driver: z.string(),
  status: z.enum(['succeeded', 'failed', 'timed_out']),
  durationMs: z.number(),
  /** Ids of the events this driver emitted. */
  emitted: z.array(z.string()),
  /** Which delivery attempt produced this run. */
  attempt: z.number().int(),
  error: errorInfoSchema.optional(),
});
export type DriverRun = z.infer<typeof driverRunSchema>;

export const decisionSchema = z.object({
  allowed: z.boolean(),
  /** Which authorizer decided (e.g. `allow-all`), so a reader knows how much the decision means. */
  authorizer: z.string(),
  reason: z.string(),
  policies: z.array(z.string()).default([]),
});
export type Decision = z.infer<typeof decisionSchema>;

export const eventRecordSchema = z.object({
  userId: z.string(),
  id: z.string(),
  type: z.string(),
  status: eventStatusSchema,
  /**
   * Digest of the event's content, set at ingress: an id re-sent with other content is a
   * conflict. Events emitted inside the system have none (an outside event can never reuse
   * their ids), which saves hashing every child.
   */
  digest: z.string().optional(),
  event: envelopeSchema,
  receivedAt: z.string(),
  updatedAt: z.string(),
  /** Delivery attempts so far. */
  attempts: z.number().int().min(0),
  decision: decisionSchema.optional(),
  drivers: z.array(driverRunSchema),
  /** Ids of every event emitted because of this one (driver outputs and error events). */
  children: z.array(z.string()),
  error: errorInfoSchema.optional(),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;
