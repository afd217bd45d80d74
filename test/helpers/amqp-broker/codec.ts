/**
 * What the Service Bus wire format needs beyond plain AMQP 1.0: batched sends, lock tokens carried
 * as delivery tags, the broker's message annotations, and request/response replies.
 */
import rhea, { type Message } from 'rhea';
import type { StoredMessage } from './broker-queue.js';

/** rhea's `message.decode` is typed loosely; what it returns is a connection-level Message. */
export function decodeMessage(bytes: Buffer): Message {
  return rhea.message.decode(bytes) as unknown as Message;
}

/** Settlement outcomes; rhea has them but its typings do not declare them. */
export const outcomes = rhea.message as unknown as {
  accepted(): { described(): unknown };
  rejected(fields: { error: { condition: string; description: string } }): { described(): unknown };
};

/** The message format of a Service Bus batch: one envelope whose data sections are whole messages. */
export const BATCH_FORMAT = 0x80013700;

/** A transfer as rhea hands it over: decoded for format 0, raw bytes for any other format. */
export function decodeTransfer(payload: Message | Buffer, format: number | undefined): Message[] {
  if (!Buffer.isBuffer(payload)) return [payload];
  if (format !== BATCH_FORMAT) throw new Error(`unsupported message format ${format}`);
  const envelope = decodeMessage(payload);
  const body = envelope.body as { content: Buffer | Buffer[]; multiple?: boolean } | undefined;
  if (!body) return [];
  const parts = Array.isArray(body.content) ? body.content : [body.content];
  return parts.map(decodeMessage);
}

/**
 * The SDK reads a lock token from the 16-byte delivery tag, swapping the first three groups into
 * .NET GUID byte order; this does the inverse so the token it reports is `token` itself.
 */
export function tagOfToken(token: string): Buffer {
  return reorderGuid(rhea.string_to_uuid(token));
}

export function tokenOfTag(tag: Buffer | string): string {
  return rhea.uuid_to_string(reorderGuid(Buffer.isBuffer(tag) ? tag : Buffer.from(tag)));
}

/** Lock tokens in management requests are AMQP uuids, already in the SDK's order. */
export function tokenOfUuid(value: unknown): string {
  return Buffer.isBuffer(value) ? rhea.uuid_to_string(value) : String(value);
}

function reorderGuid(bytes: Buffer): Buffer {
  return Buffer.from([bytes[3]!, bytes[2]!, bytes[1]!, bytes[0]!, bytes[5]!, bytes[4]!, bytes[7]!, bytes[6]!, ...bytes.subarray(8)]);
}

/**
 * A stored message as a receiver sees it. The header's delivery_count is the number of earlier
 * deliveries (0 on the first), which the JavaScript SDK reports as `deliveryCount`.
 */
export function outgoing(stored: StoredMessage, lockedUntil: number | undefined, now: number): Message {
  const annotations: Record<string, unknown> = {
    ...stored.message.message_annotations,
    'x-opt-sequence-number': rhea.types.wrap_long(stored.seq),
    'x-opt-enqueued-time': new Date(stored.enqueuedAt),
  };
  if (lockedUntil !== undefined) annotations['x-opt-locked-until'] = new Date(lockedUntil);
  // 2 = scheduled, as the SDK decodes `x-opt-message-state` on peeked messages.
  else if (stored.visibleAt > now && stored.deliveries === 0) annotations['x-opt-message-state'] = 2;
  const priorDeliveries = lockedUntil === undefined ? stored.deliveries : stored.deliveries - 1;
  return { ...stored.message, delivery_count: priorDeliveries, message_annotations: annotations };
}

export interface ManagementReply {
  status: number;
  description?: string;
  condition?: string;
  body?: unknown;
}

/**
 * A response on a request/response link, correlated by the request's id. Service Bus names the
 * status `status-code` on $cbs but `statusCode` on $management, and the SDK's peek reads only the latter.
 */
export function replyTo(request: Message, reply: ManagementReply, style: 'cbs' | 'management'): Message {
  const [code, description] = style === 'cbs' ? ['status-code', 'status-description'] : ['statusCode', 'statusDescription'];
  const properties: Record<string, unknown> = {
    [code]: reply.status,
    [description]: reply.description ?? (reply.status < 300 ? 'OK' : 'Error'),
  };
  if (reply.condition) properties['error-condition'] = reply.condition;
  return {
    correlation_id: request.message_id,
    to: request.reply_to,
    application_properties: properties,
    body: reply.body ?? null,
  } as Message;
}
export interface BrokerDeadLetter {
  messageId: string;
  body: unknown;
  reason: string;
  description: string;
  deliveryCount: number;
  applicationProperties: Record<string, unknown>;
}

export function toDeadLetter(stored: { messageId: string; message: Message; deliveries: number }): BrokerDeadLetter {
  const properties = (stored.message.application_properties ?? {}) as Record<string, unknown>;
  return {
    messageId: stored.messageId,
    body: bodyOf(stored.message),
    reason: String(properties.DeadLetterReason ?? ''),
    description: String(properties.DeadLetterErrorDescription ?? ''),
    deliveryCount: stored.deliveries,
    applicationProperties: properties,
  };
}

/** A data section holding JSON (what the SDK sends for an object body) is parsed; anything else is returned as is. */
function bodyOf(message: Message): unknown {
  const body = message.body as { typecode?: number; content?: unknown } | undefined;
  if (body?.typecode !== 0x75 || !Buffer.isBuffer(body.content)) return body;
  try {
    return JSON.parse(body.content.toString('utf8')) as unknown;
  } catch {
    return body.content;
  }
}
