import { hash, randomBytes } from 'node:crypto';
import type { Envelope } from './envelope.js';

/*
 * Ids that sort as time does. The stores index events by id (the embedded file: duplicate
 * detection keys, records by (user, id), audit entries by event), and a B-tree that receives
 * random keys writes a page of its own for nearly every insert, while keys that grow with time
 * land on the pages the last inserts wrote. So an id the system makes starts with the instant of
 * the chain it belongs to, and a child inherits its parent's: a whole chain (a request, its
 * agent's model and tool calls, their answers) sits together, after the chains before it.
 */

/** Milliseconds since the epoch as 12 hex digits: sorts as the instants do (until the year 10889). */
function timeHex(ms: number): string {
  return ms.toString(16).padStart(12, '0');
}

const ORDERED_ID = /^evt_([0-9a-f]{12})/;

/** What a child's id is derived from: its parent's id and, for a parent whose id has no time part, its `time`. */
export type ChildIdSource = Pick<Envelope, 'id' | 'time'>;

/** The time part an event passes to its children: its id's when it has one (ids the system made), else its `time`'s. */
function chainTime(parent: ChildIdSource): string {
  const own = ORDERED_ID.exec(parent.id);
  if (own) return own[1]!;
  const ms = Date.parse(parent.time);
  return Number.isFinite(ms) && ms >= 0 && ms < 2 ** 48 ? timeHex(ms) : '';
}

/**
 * A fresh id for an event that arrived without one, laid out as a UUIDv7 (RFC 9562): the
 * instant in milliseconds, then 74 random bits. The instant is the machine's, not the kernel's
 * clock: it orders the id, it means nothing.
 */
export function newEventId(): string {
  const random = randomBytes(10);
  random[0] = (random[0]! & 0x0f) | 0x70; // version 7
  random[2] = (random[2]! & 0x3f) | 0x80; // the RFC's variant
  return `evt_${timeHex(Date.now())}${random.toString('hex')}`;
}

function digest(text: string, length: number): string {
  // One-shot `hash` (Node >= 20.12): a third of createHash().update().digest() on short inputs.
  return hash('sha256', text, 'base64url').slice(0, length);
}

/**
 * The id of the `index`-th event a driver emitted for a parent. Deterministic, so that
 * re-processing a redelivered parent re-emits the same ids and duplicate detection drops them:
 * the parent's chain time (fixed by its id or its `time`), then a digest of (parent id, driver, index).
 */
export function childEventId(parent: ChildIdSource, driverId: string, index: number | string): string {
  return `evt_${chainTime(parent)}${digest(`${parent.id}\n${driverId}\n${index}`, 24)}`;
}

/** The id of the event a driver emitted for a parent under a `key` of its choosing (see EmittedEvent.key). */
export function keyedChildEventId(parent: ChildIdSource, driverId: string, key: string): string {
  return childEventId(parent, driverId, `key:${key}`);
}

/**
 * The bus-level duplicate-detection key. Event ids are unique per user, not globally (two
 * users may both send `e1`), so the key covers both; hashed to fit Service Bus's 128 chars.
 * An id the system made keeps its time part in front (43 characters either way).
 */
export function deliveryKey(userId: string, eventId: string, release?: string): string {
  const text = release === undefined ? `${userId}\n${eventId}` : `${userId}\n${eventId}\n${release}`;
  const time = ORDERED_ID.exec(eventId)?.[1];
  return time === undefined ? digest(text, 43) : `${time}${digest(text, 31)}`;
}

/**
 * Whether a message id is that of a message published under `key`. A bus that sends a copy of a
 * message under an id of its own appends `.<suffix>` to the key (Service Bus: retry copies
 * `.r<n>`, dead-letter replays `.replay-<n>`); delivery keys are base64url, so they have no dot.
 */
export function isDeliveryOf(messageId: string, key: string): boolean {
  return messageId === key || (messageId.length > key.length && messageId.startsWith(key) && messageId[key.length] === '.');
}

/** The id of the approval a policy asks for before an event may run: one per (user, event, policy). */
export function approvalId(userId: string, eventId: string, policyId: string): string {
  return `apr_${digest(`${userId}\n${eventId}\n${policyId}`, 24)}`;
}

/** A stable digest of what an event says, to tell an idempotent retry from a reused id. */
export function contentDigest(value: unknown): string {
  return digest(stableStringify(value), 43);
}

/**
 * Members sorted by name, undefined members left out. Written with loops and one string rather
 * than entries, filter, map and join (it runs for every ingested event); the text is the same as
 * that form always wrote, holes in arrays included, so digests stored before stay valid (tested
 * against it).
 */
function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      const item: unknown = value[index];
      // A hole wrote nothing (map skipped it and join left it empty); a real undefined, 'undefined'.
      if (item !== undefined || index in value) out += stableStringify(item);
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as the `<` comparison did.
  const names = Object.keys(object).sort();
  let out = '{';
  for (const name of names) {
    const member = object[name];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(name)}:${stableStringify(member)}`;
  }
  return `${out}}`;
}

/** What an event says, for telling an idempotent re-send from a reused id. */
export function eventDigest(event: Pick<Envelope, 'type' | 'source' | 'subject' | 'data' | 'datacontenttype'>): string {
  return contentDigest({ type: event.type, source: event.source, subject: event.subject, data: event.data, datacontenttype: event.datacontenttype });
}
