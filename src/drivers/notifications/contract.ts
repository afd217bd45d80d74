/**
 * The notifications driver's events:
 *
 *   notification.send       { channel, title, text, data? }            -> one of:
 *   notification.urgent     { channel, title, text, data? }            -> one of:
 *   notification.delivered  { requestId, channel, status, attempts, deliveredAt }
 *   notification.failed     { requestId, channel, code, reason, status?, attempts, deadLettered }
 *
 * `notification.urgent` (the seed's "Severe Weather Alert" emits it) is delivered exactly like
 * `notification.send`, marked urgent in what is posted (see payload.ts).
 *
 * `channel` names a channel configured in the project file, never a URL: events cannot send
 * data to arbitrary destinations.
 */
import { z } from 'zod';

export const NOTIFICATION_SEND = 'notification.send';
export const NOTIFICATION_URGENT = 'notification.urgent';
export const NOTIFICATION_DELIVERED = 'notification.delivered';
export const NOTIFICATION_FAILED = 'notification.failed';

export const CHANNEL_ID = /^[a-z][a-z0-9_-]{0,63}$/;

export const notificationSendSchema = z.strictObject({
  channel: z.string().regex(CHANNEL_ID, 'must be a channel id: lower-case letters, digits, "_" or "-"'),
  title: z.string().min(1).max(500),
  text: z.string().max(20_000),
  /** Structured details for JSON receivers (Slack and Teams formats leave them out). */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type NotificationSend = z.infer<typeof notificationSendSchema>;

/** One delivery attempt, as recorded across redeliveries. */
export const deliveryAttemptSchema = z.strictObject({
  attempt: z.number().int().min(1),
  at: z.string(),
  /** The receiver's HTTP status, when it answered. */
  status: z.number().int().optional(),
  error: z.string().optional(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const notificationDeliveredSchema = z.strictObject({
  requestId: z.string(),
  channel: z.string(),
  status: z.number().int(),
  attempts: z.array(deliveryAttemptSchema),
  deliveredAt: z.string(),
});
export type NotificationDelivered = z.infer<typeof notificationDeliveredSchema>;

export const notificationFailureCodeSchema = z.enum([
  /** The event's data does not match notification.send (or notification.urgent). */
  'invalid_request',
  /** No channel of that id is configured. */
  'unknown_channel',
  /** The channel exists but is not open to this user. */
  'forbidden',
  /** The receiver refused it for good (a 4xx other than 408 and 429, or a redirect). */
  'rejected',
  /** Every attempt failed with something worth retrying; the notification is dead-lettered. */
  'gave_up',
]);

export const notificationFailedSchema = z.strictObject({
  requestId: z.string(),
  channel: z.string(),
  code: notificationFailureCodeSchema,
  reason: z.string(),
  status: z.number().int().optional(),
  attempts: z.array(deliveryAttemptSchema),
  /** True after the last attempt: the notification (as sent) is kept with its attempts. */
  deadLettered: z.boolean(),
});
export type NotificationFailed = z.infer<typeof notificationFailedSchema>;
