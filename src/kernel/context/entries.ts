/**
 * What every ContextStore adapter checks and computes the same way (the contract suite holds
 * them to it): the shape of paths a store accepts, what a write may contain and how it is
 * stored (JSON or text, its size), ETags, limits and the implicit root folder. Pure functions,
 * no I/O, so the memory, SQLite and Cosmos adapters can all use them.
 */
import { randomUUID } from 'node:crypto';
import { USER_ID } from '../envelope.js';
import { KernelError } from '../errors.js';
import type { ContextEntry, ContextLimits, ContextWrite, ContextWriteOptions } from '../ports/context.js';

export const ROOT = '/';
/** The content type of every folder; refused for documents so that it always means "folder". */
export const FOLDER_CONTENT_TYPE = 'inode/directory';
/** A document's metadata as JSON text; small, as it is parsed by every query that filters on it. */
export const MAX_METADATA_BYTES = 64 * 1024;
/** Nesting of content and metadata beyond this is refused (and a circular structure is caught by it). */
const MAX_JSON_DEPTH = 64;
/** Mirrors DEFAULT_PATH_LIMITS in src/security/acl/context-path.ts (the kernel cannot import it). */
const MAX_PATH_BYTES = 1024;
/** A media type (`type/subtype`, optional parameters), as RFC 9110 spells its tokens. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;[\x20-\x7e]*)?$/;
// Control characters and the segment shapes normalization rejects: the cheap structural part of
// normalizeContextPath, so that a caller that forgot to normalize fails loudly instead of
// storing a second spelling of a path. The full check (allowed characters, NFC) is the caller's.
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const BAD_PATH = /[\u0000-\u001f\u007f\\]|\/\/|\/\.+(?:\/|$)|\/$/;

export function invalid(message: string): never {
  throw new KernelError('invalid_input', message);
}

export function checkUser(userId: string): void {
  if (typeof userId !== 'string' || !USER_ID.test(userId)) invalid('a user id must be 1-128 letters, digits and ._@-');
}

/** `path` must already be normalized (see the module comment); returns it. */
export function checkPath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) invalid('a context path must be a normalized absolute path');
  if (path === ROOT) return path;
  if (BAD_PATH.test(path) || Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) invalid(`the context path ${JSON.stringify(path.slice(0, 80))} is not normalized`);
  return path;
}

/** The folder holding `path` ("/A/b" -> "/A", "/A" -> "/"). Not for the root. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? ROOT : path.slice(0, slash);
}

/** The last segment ("/A/b" -> "b"); the root's name is "". */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The folders above `path`, excluding the root, top first: "/A/B/c" -> ["/A", "/A/B"]. */
export function foldersAbove(path: string): string[] {
  const folders: string[] = [];
  for (let slash = path.indexOf('/', 1); slash !== -1; slash = path.indexOf('/', slash + 1)) folders.push(path.slice(0, slash));
  return folders;
}

/** `path` is `folder` or below it (both normalized). */
export function isWithin(path: string, folder: string): boolean {
  if (folder === ROOT) return true;
  return path === folder || (path.startsWith(folder) && path.charCodeAt(folder.length) === 0x2f);
}

/**
 * The strings strictly below `folder` are exactly those in [lower, upper): they start with
 * `folder + '/'`, and '0' is the character after '/'. Lets an index on the path answer
 * "the subtree" as one range. Not for the root (everything is below it).
 */
export function subtreeRange(folder: string): { lower: string; upper: string } {
  return { lower: `${folder}/`, upper: `${folder}0` };
}

/** Code point order, which is SQLite's BINARY collation on UTF-8 text (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A new opaque ETag; random, so two processes writing one store never issue the same. */
export function newEtag(): string {
  return randomUUID();
}

export function checkWriteOptions(options: ContextWriteOptions | { ifMatch?: string } | undefined): void {
  if (options === undefined) return;
  const { ifMatch } = options;
  const ifNoneMatch = 'ifNoneMatch' in options ? options.ifNoneMatch : undefined;
  if (ifMatch !== undefined && ifNoneMatch !== undefined) invalid('ifMatch and ifNoneMatch cannot be combined');
  if (ifMatch !== undefined && (typeof ifMatch !== 'string' || ifMatch === '')) invalid('ifMatch must be an ETag');
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') invalid("ifNoneMatch must be '*'");
}

/** `precondition_failed` unless the entry (undefined: none) satisfies ifMatch / ifNoneMatch. */
export function checkPreconditions(path: string, current: { etag: string } | undefined, options: { ifMatch?: string; ifNoneMatch?: '*' } | undefined): void {
  if (options?.ifNoneMatch === '*' && current) throw new KernelError('precondition_failed', `${path} already exists`);
  if (options?.ifMatch !== undefined && current?.etag !== options.ifMatch) {
    throw new KernelError('precondition_failed', `${path} ${current ? 'has changed' : 'does not exist'}`);
  }
}

/** A page size or result limit: an integer in [1, max]. */
export function checkLimit(limit: number, max: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) invalid(`limit must be an integer from 1 to ${max}, got ${String(limit)}`);
  return limit;
}

/** A write as every store keeps it. */
export interface PreparedWrite {
  contentType: string;
  /** True when `content` was stored as JSON text (a JSON content type), false for text. */
  json: boolean;
  /** The stored form: JSON text, or the text itself. */
  stored: string;
  /** UTF-8 bytes of `stored`. */
  size: number;
  metadata: Record<string, unknown>;
  metadataJson: string;
}

/** `application/json` or any `+json` type holds a JSON value; every other type holds a string. */
export function isJsonContentType(contentType: string): boolean {
  const essence = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return essence === 'application/json' || essence.endsWith('+json');
}

/** Checks a document write against the limits; KernelError `invalid_input` or `payload_too_large`. */
export function prepareWrite(write: ContextWrite, limits: ContextLimits): PreparedWrite {
  if (typeof write !== 'object' || write === null) invalid('a context write needs content and contentType');
  const { contentType } = write;
  if (typeof contentType !== 'string' || contentType.length > 255 || !MEDIA_TYPE.test(contentType)) invalid('contentType must be a media type such as application/json or text/markdown');
  if (contentType.toLowerCase().startsWith(FOLDER_CONTENT_TYPE)) invalid(`${FOLDER_CONTENT_TYPE} is reserved for folders`);
  const json = isJsonContentType(contentType);
  let stored: string;
  if (json) {
    if (write.content === undefined) invalid('a JSON document needs content (null is allowed)');
    checkJson(write.content, 0, 'content');
    stored = JSON.stringify(write.content);
  } else {
    if (typeof write.content !== 'string') invalid(`content of type ${contentType} must be a string; use application/json for JSON values`);
    if (/\p{Cs}/u.test(write.content)) invalid('text content must be well-formed Unicode (no unpaired surrogates)');
    stored = write.content;
  }
  const size = Buffer.byteLength(stored, 'utf8');
  if (size > limits.maxDocumentBytes) throw new KernelError('payload_too_large', `the document is ${size} bytes; at most ${limits.maxDocumentBytes} are allowed`);
  const metadata: unknown = write.metadata === undefined ? {} : write.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) invalid('metadata must be a JSON object');
  checkJson(metadata, 0, 'metadata');
  const metadataJson = JSON.stringify(metadata);
  if (Buffer.byteLength(metadataJson, 'utf8') > MAX_METADATA_BYTES) throw new KernelError('payload_too_large', `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON`);
  return { contentType, json, stored, size, metadata: JSON.parse(metadataJson) as Record<string, unknown>, metadataJson };
}

/** The content as the writer gave it, from its stored form. */
export function readContent(stored: string | null, contentType: string): unknown {
  if (stored === null) return null;
  if (!isJsonContentType(contentType)) return stored;
  try {
    return JSON.parse(stored) as unknown;
  } catch (error) {
    throw new KernelError('internal', 'a stored context document is not valid JSON', { cause: error });
  }
}

export function parseMetadata(json: string): Record<string, unknown> {
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch (error) {
    throw new KernelError('internal', 'stored context metadata is not valid JSON', { cause: error });
  }
}

function checkJson(value: unknown, depth: number, what: string): void {
  if (depth > MAX_JSON_DEPTH) invalid(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) invalid(`${what} must not contain NaN or Infinity`);
    return;
  }
  if (Array.isArray(value)) {
    for (const element of value) checkJson(element, depth + 1, what);
    return;
  }
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    // Only plain objects: a class instance (Date, Map) would not read back as what was written.
    if (prototype !== Object.prototype && prototype !== null) invalid(`${what} may contain only plain objects, arrays, strings, numbers, booleans and null`);
    for (const element of Object.values(value)) checkJson(element, depth + 1, what);
    return;
  }
  invalid(`${what} must be JSON, not ${typeof value}`);
}

/**
 * The root folder: never stored, always there. Its ETag and times are fixed, since nothing
 * ever writes it; it cannot be deleted, moved or written.
 */
export function rootEntry(): ContextEntry {
  return {
    path: ROOT,
    kind: 'folder',
    content: null,
    contentType: FOLDER_CONTENT_TYPE,
    metadata: {},
    version: 1,
    etag: 'root',
    size: 0,
    createdAt: '1970-01-01T00:00:00.000Z',
    updatedAt: '1970-01-01T00:00:00.000Z',
  };
}

/** The limits a store runs with: the defaults, overridden by `limits`; KernelError `invalid_input` for nonsense. */
export function resolveLimits(limits: Partial<ContextLimits> | undefined, defaults: ContextLimits): ContextLimits {
  const resolved = { ...defaults, ...limits };
  if (!Number.isSafeInteger(resolved.maxDocumentBytes) || resolved.maxDocumentBytes < 1) invalid('maxDocumentBytes must be a positive integer');
  if (!Number.isSafeInteger(resolved.versionsKept) || resolved.versionsKept < 0) invalid('versionsKept must be a non-negative integer');
  return resolved;
}
