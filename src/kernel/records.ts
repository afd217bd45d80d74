/**
 * The processing record of one event: what `GET /api/events/{id}` shows and what the dedupe
 * stage consults. Stored per user (partition key `userId`).
 */
import { z } from 'zod';
import { envelopeSchema } from './envelope.js';
import { restrictionsSchema } from './restrictions.js';
import { throttleWindowSchema } from './throttle.js';

/**
 * `awaiting_approval`: a `require_approval` policy parked the event; `POST /api/approvals/{id}`
 * releases it (processed again) or rejects it (denied). Not final.
 * `throttled`: a `throttle` policy delayed the event; it is on the bus again and runs (is
 * authorized again) at `throttle.runAt`. Not final.
 */
export const eventStatusSchema = z.enum(['accepted', 'awaiting_approval', 'throttled', 'processed', 'failed', 'dead_lettered', 'denied']);
export type EventStatus = z.infer<typeof eventStatusSchema>;

/** Statuses after which the event is never run again. */
export const FINAL_STATUSES: ReadonlySet<EventStatus> = new Set(['processed', 'failed', 'dead_lettered', 'denied']);

export const errorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** What one driver run spent on one model (a registry id): counted per user, model and day. */
export const modelUsageSchema = z.object({
  model: z.string().min(1).max(128),
  /** Calls to the model that reported usage. */
  calls: z.number().int().nonnegative(),
  /** Every input token, cached ones included. */
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  /** The part of inputTokens read from the provider's prompt cache. */
  cachedInputTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type ModelUsage = z.infer<typeof modelUsageSchema>;

export const driverRunSchema = z.object({
  driver: z.string(),
  /** `skipped`: a `restrict` policy did not let this driver run (the error says which). */
  status: z.enum(['succeeded', 'failed', 'timed_out', 'skipped']),
  durationMs: z.number(),
  /** Ids of the events this driver emitted. */
  emitted: z.array(z.string()),
  /** Which delivery attempt produced this run. */
  attempt: z.number().int(),
  error: errorInfoSchema.optional(),
  /** What the driver reported spending (LLM tokens, money). */
  usage: z.object({ tokens: z.number().nonnegative(), costUsd: z.number().nonnegative(), models: z.array(modelUsageSchema).optional() }).optional(),
});
export type DriverRun = z.infer<typeof driverRunSchema>;

export const policyActionSchema = z.enum(['allow', 'deny', 'restrict', 'log', 'notify', 'require_approval', 'throttle']);
export type PolicyAction = z.infer<typeof policyActionSchema>;

/** A throttle decision: the policy, the window it counts in, and when the event runs again. */
export const throttleDecisionSchema = z.object({
  policy: z.string(),
  window: throttleWindowSchema,
  runAt: z.iso.datetime(),
});
export type ThrottleDecision = z.infer<typeof throttleDecisionSchema>;

export const decisionSchema = z.object({
  /** True when drivers may run. False for a denial, an event parked for approval and a throttled one. */
  allowed: z.boolean(),
  /** Which authorizer decided (e.g. `policy-engine`, `acl`, `loop-guard`), so a reader knows how much the decision means. */
  authorizer: z.string(),
  reason: z.string(),
  /** Ids of the policies evaluated, in evaluation order. */
  policies: z.array(z.string()).default([]),
  verdict: z.enum(['allow', 'deny', 'require_approval', 'throttle']).optional(),
  /** The policy that ended evaluation (denied, allowed, parked, throttled, or failed and so denied). */
  decidedBy: z.string().optional(),
  /**
   * Policies whose condition held, with the action taken (or the error that denied). A skill
   * pack's grant (`pack:<name>`) says why it denied the event or kept one of its drivers out.
   */
  matched: z.array(z.object({ id: z.string(), action: policyActionSchema, error: z.string().optional(), reason: z.string().optional() })).optional(),
  /** What drivers may do for this event; the processor enforces it. */
  restrictions: restrictionsSchema.optional(),
  /** `policy.notify` events emitted, one per notifying policy. */
  notifications: z.array(z.object({ policy: z.string(), to: z.array(z.enum(['user', 'admin'])), message: z.string() })).optional(),
  /** Set when a `require_approval` policy parked the event. */
  approval: z.object({ id: z.string(), policy: z.string(), reason: z.string() }).optional(),
  /** Set when a `throttle` policy delayed the event. */
  throttle: throttleDecisionSchema.optional(),
  /** Kinds of personal data found in the event (and redacted for external drivers when restricted). */
  pii: z.array(z.string()).optional(),
  /** The context path the event touches, normalized, when it touches one. */
  contextPath: z.string().optional(),
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
  /**
   * Set once a throttle policy delayed the event, and kept after it ran: `count` is how often it
   * was throttled (its latest re-publication is named `throttle:<count>`), `runAt` when that one
   * is delivered. The policy and window are the latest throttle decision's.
   */
  throttle: throttleDecisionSchema.extend({ count: z.number().int().min(1) }).optional(),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;
