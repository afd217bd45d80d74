/**
 * The event envelope: CloudEvents 1.0 with the Vextir extensions described in DESIGN.md.
 * One zod schema per boundary; the TypeScript types are inferred from them.
 */
import { z } from 'zod';

/** Dotted event type names such as `email.received` or `plan.step.completed`. */
export const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;
/** Ids travel in URLs and as bus message ids (max 128 chars on Service Bus). */
export const EVENT_ID = /^[A-Za-z0-9._~:@-]{1,128}$/;
/** User ids come from verified tokens (Entra object ids, dev names). */
export const USER_ID = /^[A-Za-z0-9._@-]{1,128}$/;

export const eventTypeSchema = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(EVENT_TYPE, 'must be a dotted name of letters, digits, "_" and "-" (e.g. "email.received")');
export const eventIdSchema = z
  .string()
  .regex(EVENT_ID, 'must be 1-128 characters of letters, digits and ._~:@-');
export const userIdSchema = z.string().regex(USER_ID, 'must be 1-128 characters of letters, digits and ._@-');
export const categorySchema = z.enum(['input', 'internal', 'output']);
/** A driver's id, as its manifest spells it (replies are addressed to drivers). */
export const DRIVER_ID = /^[a-z][a-z0-9_-]{0,63}$/;
const driverIdSchema = z.string().regex(DRIVER_ID, 'must be a driver id');
export type EventCategory = z.infer<typeof categorySchema>;

const sourceSchema = z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters');
const timeSchema = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

/** A complete event as it travels on the bus and is stored. */
export const envelopeSchema = z.strictObject({
  specversion: z.literal('1.0', { error: 'must be "1.0"' }),
  id: eventIdSchema,
  type: eventTypeSchema,
  source: sourceSchema,
  time: timeSchema,
  datacontenttype: z.string().max(200).optional(),
  dataschema: z.string().max(512).optional(),
  subject: z.string().max(512).optional(),
  data: z.unknown().optional(),
  userid: userIdSchema,
  category: categorySchema,
  /** Id of the root event of the chain. */
  correlationid: eventIdSchema,
  /** Id of the direct parent; absent on roots. */
  causationid: eventIdSchema.optional(),
  /** Hops from the root; the processor denies events deeper than its limit (loop guard). */
  depth: z.number().int().min(0),
  /**
   * Set by the kernel on an event a driver emitted with `awaitReply`: the driver that waits for
   * its answers. Every event emitted while handling this one is addressed to it (`recipient`).
   */
  replyto: driverIdSchema.optional(),
  /** Set by the kernel on the answers to a `replyto` event: that driver gets it too, whatever its capabilities. */
  recipient: driverIdSchema.optional(),
  /**
   * Set by the kernel on an event a driver emitted with `requireApproval`: a person must approve
   * it before any driver runs (the authorizer parks it as a policy's require_approval would).
   */
  approval: z.string().min(1).max(500).optional(),
  /**
   * Set by the kernel on every event a driver emitted: that driver's id, whatever `source` the
   * driver chose. Policies and pack grants judge an event by who produced it; no one else sets it.
   */
  producer: driverIdSchema.optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/**
 * What a driver returns: the kernel fills in id, userid, correlation, causation, depth and time,
 * so a driver can neither forge a user nor break the chain.
 */
export const emittedEventSchema = z.strictObject({
  type: eventTypeSchema,
  data: z.unknown().optional(),
  source: sourceSchema.optional(),
  subject: z.string().max(512).optional(),
  category: categorySchema.optional(),
  datacontenttype: z.string().max(200).optional(),
  /** Deliver no earlier than this (scheduled delivery). */
  deliverAt: timeSchema.optional(),
  /**
   * A name for this output, unique among what the driver emits for this event: its id is derived
   * from (parent, driver, key) instead of (parent, driver, position), so it stays the same however
   * many other outputs come before it (an agent host running several agents on one event).
   */
  key: z.string().min(1).max(256).optional(),
  /** Send this driver the events that answer this one (see `replyto` on the envelope). */
  awaitReply: z.boolean().optional(),
  /** Park this event until a person approves it; the text says why (see `approval` on the envelope). */
  requireApproval: z.string().min(1).max(500).optional(),
});
export type EmittedEvent = z.infer<typeof emittedEventSchema>;

/** Parse an unknown value (bus body, store row) into an envelope or throw a ZodError. */
export function parseEnvelope(value: unknown): Envelope {
  return envelopeSchema.parse(value);
}
