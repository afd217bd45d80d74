/**
 * What a client may send when it posts events, and how that becomes a kernel Envelope.
 * The field schemas are the envelope's own (src/kernel/envelope.ts), so ingress cannot accept
 * an id, type, source or time that the bus or the store would later refuse.
 */
import { z } from 'zod';
import { type Envelope, envelopeSchema, KernelError } from '../kernel/index.js';

const field = envelopeSchema.shape;

/**
 * Attributes the system sets. They are listed (rather than left to "unknown attribute") so the
 * rejection explains why: a client must not be able to choose the user or forge a chain.
 */
const systemAttributes = {
  userid: z.never({ error: 'must not be sent: the user is taken from the bearer token' }).optional(),
  depth: z.never({ error: 'must not be sent: the system sets the depth of an event chain' }).optional(),
  causationid: z.never({ error: 'must not be sent: only events emitted by drivers have a parent' }).optional(),
  replyto: z.never({ error: 'must not be sent: the kernel addresses answers to the driver that asked for them' }).optional(),
  recipient: z.never({ error: 'must not be sent: the kernel addresses answers to the driver that asked for them' }).optional(),
  approval: z.never({ error: 'must not be sent: approvals are required by policies (require_approval), not by the caller' }).optional(),
  producer: z.never({ error: 'must not be sent: the kernel names the driver that produced an event' }).optional(),
};
const category = z.literal('input', { error: 'must be "input": internal and output events are emitted by drivers' }).optional();

/** One event in structured, batch or binary mode (CloudEvents 1.0 required attributes). */
export const cloudEventSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: field.id,
  type: field.type,
  source: field.source,
  time: field.time.optional(),
  datacontenttype: field.datacontenttype,
  dataschema: field.dataschema,
  subject: field.subject,
  data: field.data,
  correlationid: field.correlationid.optional(),
  category,
  ...systemAttributes,
});

/** The plain JSON body `{type, data, ...}`: everything but the type may be left to defaults. */
export const plainEventSchema = z.strictObject({
  type: field.type,
  data: field.data,
  id: field.id.optional(),
  source: field.source.optional(),
  subject: field.subject,
  time: field.time.optional(),
  datacontenttype: field.datacontenttype,
  correlationid: field.correlationid.optional(),
  category,
  ...systemAttributes,
});

type IncomingEvent = z.infer<typeof cloudEventSchema> | z.infer<typeof plainEventSchema>;

/** A Map, not an object literal: keys come from clients, and `constructor` must not find Object's. */
const UNKNOWN_REASONS = new Map([
  ['data_base64', 'is not supported: send JSON or text as "data"'],
  ['specversion', 'is not a plain JSON attribute: send CloudEvents as application/cloudevents+json or with ce-* headers'],
]);

export function unknownAttributeReason(key: string): string {
  return UNKNOWN_REASONS.get(key) ?? 'is not a supported attribute';
}

/** What the server adds to every event: the caller's identity, the receive time, fresh ids. */
export interface IngestStamp {
  userId: string;
  /** RFC 3339; the default `time`. */
  now: string;
  newId(): string;
}

export const DEFAULT_SOURCE = '/http/ingest';

/** A validated incoming event -> a root Envelope owned by the caller. */
export function toEnvelope(incoming: IncomingEvent, stamp: IngestStamp): Envelope {
  const id = incoming.id ?? stamp.newId();
  const envelope: Envelope = {
    specversion: '1.0',
    id,
    type: incoming.type,
    source: incoming.source ?? DEFAULT_SOURCE,
    time: incoming.time ?? stamp.now,
    userid: stamp.userId,
    category: 'input',
    correlationid: incoming.correlationid ?? id,
    depth: 0,
  };
  if (incoming.data !== undefined) envelope.data = incoming.data;
  if (incoming.datacontenttype !== undefined) envelope.datacontenttype = incoming.datacontenttype;
  if ('dataschema' in incoming && incoming.dataschema !== undefined) envelope.dataschema = incoming.dataschema;
  if (incoming.subject !== undefined) envelope.subject = incoming.subject;
  // The client's attributes were checked with the envelope's own schemas; what the server
  // stamped is checked here (an authenticator returning a malformed user id would be a bug, not
  // bad input). Only the stamps: parsing the whole envelope again cost as much as the first parse.
  checkStamp('userid', envelope.userid);
  if (incoming.id === undefined) checkStamp('id', envelope.id);
  if (incoming.time === undefined) checkStamp('time', envelope.time);
  return envelope;
}

function checkStamp(name: 'userid' | 'id' | 'time', value: string): void {
  const checked = field[name].safeParse(value);
  if (!checked.success) throw new KernelError('internal', `ingress stamped an invalid ${name}: ${checked.error.message}`);
}
