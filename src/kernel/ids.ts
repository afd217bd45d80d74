import { hash, randomUUID } from 'node:crypto';
import type { Envelope } from './envelope.js';

/** A fresh id for an event that arrived without one. */
export function newEventId(): string {
  return `evt_${randomUUID().replaceAll('-', '')}`;
}

function digest(text: string, length: number): string {
  // One-shot `hash` (Node >= 20.12): a third of createHash().update().digest() on short inputs.
  return hash('sha256', text, 'base64url').slice(0, length);
}

/**
 * The id of the `index`-th event a driver emitted for a parent. Deterministic, so that
 * re-processing a redelivered parent re-emits the same ids and duplicate detection drops them.
 */
export function childEventId(parentId: string, driverId: string, index: number | string): string {
  return `evt_${digest(`${parentId}\n${driverId}\n${index}`, 24)}`;
}

/** The id of the event a driver emitted for a parent under a `key` of its choosing (see EmittedEvent.key). */
export function keyedChildEventId(parentId: string, driverId: string, key: string): string {
  return childEventId(parentId, driverId, `key:${key}`);
}

/**
 * The bus-level duplicate-detection key. Event ids are unique per user, not globally (two
 * users may both send `e1`), so the key covers both; hashed to fit Service Bus's 128 chars.
 */
export function deliveryKey(userId: string, eventId: string, release?: string): string {
  return digest(release === undefined ? `${userId}\n${eventId}` : `${userId}\n${eventId}\n${release}`, 43);
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
