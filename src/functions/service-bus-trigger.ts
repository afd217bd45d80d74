/**
 * What the Functions host's Service Bus trigger passes, parsed once: the message body and
 * `context.triggerMetadata`. The host reports `deliveryCount` starting at 1 (the .NET convention)
 * and the application properties as `applicationProperties` (older hosts: `userProperties`).
 * Everything after this sees a DeliveryInfo and a typed message, never host types.
 */
import { z } from 'zod';
import { attemptOf, type TriggeredMessage } from '../hosts/azure/index.js';

/** Informational fields: a value of another type is dropped, not refused (it only labels a retry copy). */
const text = z.string().optional().catch(undefined);
const properties = z.record(z.string(), z.unknown()).optional().catch(undefined);

export const serviceBusTriggerMetadataSchema = z.object({
  deliveryCount: z.coerce.number().int().min(1).default(1),
  messageId: text,
  contentType: text,
  subject: text,
  correlationId: text,
  applicationProperties: properties,
  userProperties: properties,
});

export type ServiceBusTriggerMetadata = z.infer<typeof serviceBusTriggerMetadataSchema>;

/** The processor's view of one triggered message. Throws (the host abandons) if the metadata is not what the host sends. */
export function fromServiceBusTrigger(body: unknown, triggerMetadata: unknown): TriggeredMessage {
  const parsed = serviceBusTriggerMetadataSchema.safeParse(triggerMetadata ?? {});
  if (!parsed.success) throw new Error(`unexpected Service Bus trigger metadata: ${z.prettifyError(parsed.error)}`);
  const metadata = parsed.data;
  const applicationProperties = metadata.applicationProperties ?? metadata.userProperties;
  return {
    delivery: { deliveryCount: attemptOf(applicationProperties, metadata.deliveryCount - 1), ...(metadata.messageId !== undefined && { messageId: metadata.messageId }) },
    message: {
      body: decodeBody(body),
      messageId: metadata.messageId,
      contentType: metadata.contentType,
      subject: metadata.subject,
      correlationId: metadata.correlationId,
      applicationProperties,
    },
  };
}

/** A body that arrives as JSON text or bytes is parsed; anything else is passed on for the processor to validate. */
function decodeBody(body: unknown): unknown {
  const json = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (json === undefined) return body;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return body;
  }
}
