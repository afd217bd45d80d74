/**
 * How state items are laid out as documents of the `state` container, and read back.
 *
 * Document: `{ id, userId: partition, kind, key, value, updatedAt, expiresAt?, ttl? }`.
 * - `id` must be unique per partition for (kind, key) and Cosmos ids may not contain `/ \ ? #`
 *   (and are at most 255 characters), while keys may contain anything. So the id is
 *   `<kind>:<base64url of the key's UTF-8>` (reversible, only `A-Za-z0-9-_`); a key too long for
 *   that becomes `<kind>~<base64url SHA-256 of the key>` (`~` never occurs in the first form, so
 *   the two cannot collide). The raw key is stored in `key`: listing and prefix queries use it.
 * - `expiresAt` (epoch ms) is what reads filter on; `ttl` (seconds from the last write, the
 *   container has `defaultTtl: -1`) is what makes Cosmos delete the document some time after.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { KernelError, type StateItem } from '../../kernel/index.js';

const MAX_ID_LENGTH = 255;

export interface StateDocument {
  id: string;
  userId: string;
  kind: string;
  key: string;
  value: unknown;
  updatedAt: string;
  expiresAt?: number;
  ttl?: number;
}

const storedSchema = z.object({
  id: z.string(),
  userId: z.string(),
  kind: z.string(),
  key: z.string(),
  value: z.unknown(),
  updatedAt: z.string(),
  expiresAt: z.number().optional(),
  _etag: z.string(),
});

/** A document as read back: the fields the store uses, with its ETag. */
export type StoredState = z.infer<typeof storedSchema>;

export function stateDocumentId(kind: string, key: string): string {
  const encoded = `${kind}:${Buffer.from(key, 'utf8').toString('base64url')}`;
  if (encoded.length <= MAX_ID_LENGTH) return encoded;
  return `${kind}~${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}

/** Seconds from now until `expiresAtMs`, at least 1 (Cosmos takes a positive whole number). */
export function ttlSeconds(expiresAtMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((expiresAtMs - nowMs) / 1000));
}

export function stateDocument(
  partition: string,
  kind: string,
  key: string,
  value: unknown,
  updatedAt: Date,
  expiresAtMs: number | undefined,
): StateDocument {
  const document: StateDocument = { id: stateDocumentId(kind, key), userId: partition, kind, key, value, updatedAt: updatedAt.toISOString() };
  if (expiresAtMs !== undefined) {
    document.expiresAt = expiresAtMs;
    document.ttl = ttlSeconds(expiresAtMs, updatedAt.getTime());
  }
  return document;
}

/**
 * Store read is a boundary: a document without our fields, or one whose stored key is not the
 * one asked for (which only a corrupted id could cause), is reported, never passed on.
 */
export function parseStateDocument(document: unknown, expected?: { kind: string; key: string }): StoredState {
  const parsed = storedSchema.safeParse(document);
  const id = typeof document === 'object' && document !== null && 'id' in document ? String(document.id).slice(0, 300) : '?';
  if (!parsed.success || !(typeof document === 'object' && document !== null && 'value' in document)) {
    throw new KernelError('internal', `state document ${id} does not match the state document shape`, parsed.success ? {} : { cause: parsed.error });
  }
  if (expected && (parsed.data.kind !== expected.kind || parsed.data.key !== expected.key)) {
    throw new KernelError('internal', `state document ${id} holds another item than its id names`);
  }
  return parsed.data;
}

export function toStateItem(stored: StoredState): StateItem {
  return { partition: stored.userId, kind: stored.kind, key: stored.key, value: stored.value, etag: stored._etag, updatedAt: stored.updatedAt };
}
