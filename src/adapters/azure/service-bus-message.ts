/**
 * How an event travels as a Service Bus message, and how a delivery's attempt number is counted.
 *
 * Attempts. Service Bus counts deliveries of one message; the processor needs attempts of one
 * event. They differ because a retry with backoff is a *new* message (a scheduled copy, see
 * `retryCopy`): the copy carries `vextirAttempt`, the attempt number of its first delivery. A
 * release (give back without counting, e.g. on shutdown) is an abandon that also increments
 * `vextirReleases`, because Service Bus counts every abandon. So:
 *
 *   attempt = vextirAttempt (default 1) + earlier deliveries of this message - vextirReleases
 */
import type { ServiceBusMessage } from '@azure/service-bus';
import { deliveryKey, type Envelope } from '../../kernel/index.js';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** Application property: the attempt number of the first delivery of this message. */
export const ATTEMPT_PROPERTY = 'vextirAttempt';
/** Application property: how many deliveries of this message were given back uncounted. */
export const RELEASES_PROPERTY = 'vextirReleases';

type Properties = Record<string, number | boolean | string | Date | null>;

/** The message for an event: `messageId` is the delivery key, so duplicate detection drops re-emissions. */
export function toServiceBusMessage(event: Envelope, release?: string): ServiceBusMessage {
  return {
    body: event,
    contentType: CLOUDEVENTS_JSON,
    messageId: deliveryKey(event.userid, event.id, release),
    subject: event.type,
    correlationId: event.correlationid,
    applicationProperties: { userid: event.userid, eventId: event.id },
  };
}

/**
 * The attempt number of a delivery. `earlierDeliveries` is what the JavaScript SDK reports as
 * `deliveryCount` (0 on the first delivery); the Functions host reports one more (see below).
 */
export function attemptOf(applicationProperties: Record<string, unknown> | undefined, earlierDeliveries: number): number {
  const first = positiveInteger(applicationProperties?.[ATTEMPT_PROPERTY]) ?? 1;
  return Math.max(1, first + Math.max(0, earlierDeliveries) - releasesOf(applicationProperties));
}

/** How many deliveries of a message were released (given back uncounted) so far. */
export function releasesOf(applicationProperties: Record<string, unknown> | undefined): number {
  return positiveInteger(applicationProperties?.[RELEASES_PROPERTY]) ?? 0;
}

/** What is needed of a received message to send a copy of it. */
export interface CopySource {
  messageId?: unknown;
  body: unknown;
  contentType?: string | undefined;
  subject?: string | undefined;
  correlationId?: unknown;
  applicationProperties?: Record<string, unknown> | undefined;
}

/**
 * The copy that redelivers a message after a backoff, after attempt `attempt` failed. Its id is
 * deterministic (`<delivery key>.r<attempt>`), so two redeliveries of the same failed attempt
 * produce one copy: duplicate detection drops the second.
 */
export function retryCopy(source: CopySource, attempt: number): ServiceBusMessage {
  const properties: Properties = {};
  for (const [key, value] of Object.entries(source.applicationProperties ?? {})) {
    if (key !== RELEASES_PROPERTY && isPropertyValue(value)) properties[key] = value;
  }
  properties[ATTEMPT_PROPERTY] = attempt + 1;
  const copy: ServiceBusMessage = {
    body: source.body,
    messageId: `${baseMessageId(source.messageId)}.r${attempt}`,
    applicationProperties: properties,
  };
  if (source.contentType !== undefined) copy.contentType = source.contentType;
  if (source.subject !== undefined) copy.subject = source.subject;
  if (typeof source.correlationId === 'string') copy.correlationId = source.correlationId;
  return copy;
}

/** The delivery key a message id was derived from: copies append `.r<n>` (delivery keys have no dots). */
export function baseMessageId(messageId: unknown): string {
  return (typeof messageId === 'string' ? messageId : '').replace(/\.r\d+$/, '');
}

function positiveInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}

function isPropertyValue(value: unknown): value is number | boolean | string | Date | null {
  return value === null || value instanceof Date || ['number', 'boolean', 'string'].includes(typeof value);
}
