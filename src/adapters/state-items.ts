/**
 * What every StateStore adapter checks and computes the same way, so that the three adapters
 * accept and refuse exactly the same inputs (the contract suite holds them to it): address
 * limits, what counts as a JSON value, how increments combine with a stored value, key order,
 * and prefix ranges.
 */
import { randomUUID } from 'node:crypto';
import { KernelError, type PutOptions, USER_ID } from '../kernel/index.js';

/** Letters, digits and `_.-`: kinds are names the code chooses, never user input. */
const KIND = /^[A-Za-z0-9_.-]{1,64}$/;
/** Keys are counted in UTF-8 bytes, as storage counts them; long enough for a context path plus a grantee. */
export const MAX_KEY_BYTES = 2048;
/** A serialized value; well under Cosmos DB's 2 MB document limit once the envelope is added. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** Nesting beyond this is refused (and a circular structure is caught by it). */
const MAX_DEPTH = 64;
/** Counter field names double as Cosmos patch paths, so no `/` or `~` (JSON Pointer escapes). */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Cosmos DB takes 10 operations per patch; an increment needs up to 3 of its own (updatedAt, ttl, expiresAt). */
export const MAX_INCREMENT_FIELDS = 7;
/** Any unpaired surrogate: such a string cannot be stored as UTF-8 and read back unchanged. */
const LONE_SURROGATE = /\p{Cs}/u;

function invalid(message: string): never {
  throw new KernelError('invalid_input', message);
}

export function checkAddress(partition: string, kind: string, key: string): void {
  checkPartitionKind(partition, kind);
  checkKey(key);
}

export function checkPartitionKind(partition: string, kind: string): void {
  if (typeof partition !== 'string' || !USER_ID.test(partition)) invalid('a state partition must be a user id (1-128 letters, digits and ._@-) or _global');
  if (typeof kind !== 'string' || !KIND.test(kind)) invalid('a state kind must be 1-64 letters, digits and _.-');
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) invalid('a state key must be a non-empty string');
  if (LONE_SURROGATE.test(key)) invalid('a state key must be well-formed Unicode (no unpaired surrogates)');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) invalid(`a state key must be at most ${MAX_KEY_BYTES} UTF-8 bytes`);
}

/** The value as JSON text, or KernelError if it is not a JSON value (undefined, NaN, a Date, a Map, ...). */
export function serializeValue(value: unknown): string {
  checkJson(value, 0);
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text, 'utf8') > MAX_VALUE_BYTES) throw new KernelError('payload_too_large', `a state value must be at most ${MAX_VALUE_BYTES} bytes of JSON`);
  return text;
}

function checkJson(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) invalid(`a state value nests deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid('a state value must not contain NaN or Infinity');
    return;
  }
  if (Array.isArray(value)) {
    for (const element of value) checkJson(element, depth + 1);
    return;
  }
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    // Only plain objects: a class instance (Date, Map) would not read back as what was written.
    if (prototype !== Object.prototype && prototype !== null) invalid('a state value may contain only plain objects, arrays, strings, numbers, booleans and null');
    for (const element of Object.values(value)) checkJson(element, depth + 1);
    return;
  }
  invalid(`a state value must be JSON, not ${typeof value}`);
}

export function checkPutOptions(options: PutOptions | undefined): void {
  if (options?.ifMatch !== undefined && options.ifNoneMatch !== undefined) invalid('ifMatch and ifNoneMatch cannot be combined');
  if (options?.ifMatch !== undefined && (typeof options.ifMatch !== 'string' || options.ifMatch === '')) invalid('ifMatch must be an ETag');
  if (options?.ifNoneMatch !== undefined && options.ifNoneMatch !== '*') invalid("ifNoneMatch must be '*'");
}

export function checkDeltas(deltas: Readonly<Record<string, number>>): Array<[string, number]> {
  if (typeof deltas !== 'object' || deltas === null) invalid('increment needs an object of deltas');
  const entries = Object.entries(deltas);
  if (entries.length === 0 || entries.length > MAX_INCREMENT_FIELDS) invalid(`increment takes 1 to ${MAX_INCREMENT_FIELDS} fields`);
  for (const [field, delta] of entries) {
    if (!FIELD.test(field)) invalid(`"${field.slice(0, 64)}" is not a counter field name (letters, digits and _, not starting with a digit)`);
    if (typeof delta !== 'number' || !Number.isFinite(delta)) invalid(`the delta for "${field}" must be a finite number`);
  }
  return entries;
}

/** `expiresAt` as epoch milliseconds. */
export function checkExpiresAt(expiresAt: Date | undefined): number | undefined {
  if (expiresAt === undefined) return undefined;
  const ms = expiresAt instanceof Date ? expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) invalid('expiresAt must be a valid Date');
  return ms;
}

/**
 * The value after adding `entries` to `current` (undefined: a new item, every field from 0).
 * Fields not named keep their values; a named field holding anything but a number, or a stored
 * value that is not an object, is the caller's mistake (`invalid_input`), never overwritten.
 */
export function applyDeltas(current: unknown, entries: ReadonlyArray<readonly [string, number]>, address: string): Record<string, unknown> {
  const base = current === undefined ? {} : current;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) invalid(`${address} holds a value that is not an object; it cannot be incremented`);
  const next: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [field, delta] of entries) {
    const stored = next[field] ?? 0;
    if (typeof stored !== 'number') invalid(`${address} field "${field}" holds a ${typeof stored}, not a number; it cannot be incremented`);
    next[field] = stored + delta;
  }
  return next;
}

/** Is a stored numeric field among `entries` not a number (or the value not an object)? The check Cosmos needs after the fact. */
export function incrementProblem(current: unknown, entries: ReadonlyArray<readonly [string, number]>, address: string): KernelError | undefined {
  try {
    applyDeltas(current, entries, address);
    return undefined;
  } catch (error) {
    if (error instanceof KernelError) return error;
    throw error;
  }
}

export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) invalid(`limit must be a non-negative integer, got ${String(limit)}`);
  return limit;
}

/** A new opaque ETag; random, so that two processes writing one SQLite file never issue the same. */
export function newEtag(): string {
  return randomUUID();
}

export function isExpired(expiresAtMs: number | null | undefined, nowMs: number): boolean {
  return expiresAtMs !== undefined && expiresAtMs !== null && expiresAtMs <= nowMs;
}

/**
 * Key order is Unicode code point order, which is what SQLite's BINARY collation gives (it
 * compares UTF-8 bytes). JavaScript's `<` compares UTF-16 code units instead, which differs for
 * characters above U+FFFF against U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The least string greater than every string starting with `prefix` (in code point order), or
 * undefined when there is none (the prefix is all U+10FFFF): `key >= prefix AND key < bound` is
 * then exactly "starts with prefix", and an index can answer it as a range.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // The surrogate block is not a character: the next one after U+D7FF is U+E000.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
