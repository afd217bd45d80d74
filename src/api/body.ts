/** Reading request bodies: media types, UTF-8, JSON. Every failure is a KernelError naming the reason. */
import { KernelError } from '../kernel/index.js';

/**
 * Deeper JSON is refused at the door: the digest, the bus and the store all walk values
 * recursively, and a 256 KiB body of nested brackets would overflow their stacks.
 */
export const MAX_JSON_DEPTH = 64;

export interface MediaType {
  /** Lower-cased `type/subtype`, without parameters. */
  essence: string;
  charset: string | undefined;
}

export function parseMediaType(header: string | null): MediaType | undefined {
  if (header === null || header.trim() === '') return undefined;
  const [essence = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=', 2);
    if (name.trim().toLowerCase() === 'charset') charset = value.trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { essence: essence.trim().toLowerCase(), charset };
}

/** `application/json` and every `+json` structured syntax suffix (RFC 6839). */
export function isJsonMediaType(media: MediaType): boolean {
  return media.essence === 'application/json' || /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(media.essence);
}

/** Only UTF-8 is decoded (RFC 8259 requires it for JSON); other charsets are a 415, not a guess. */
export function requireUtf8(media: MediaType): void {
  if (media.charset !== undefined && media.charset !== 'utf-8' && media.charset !== 'utf8') {
    throw new KernelError('unsupported_media_type', `charset "${media.charset}" is not supported; send UTF-8`, {
      details: { errors: [{ field: 'content-type', reason: 'only charset=utf-8 is supported' }] },
    });
  }
}

export function decodeUtf8(bytes: Uint8Array, where: { pointer: string } | { field: string }): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new KernelError('invalid_input', 'the request body is not valid UTF-8', { details: { errors: [{ ...where, reason: 'is not valid UTF-8' }] } });
  }
}

/** Parses JSON text, reporting the parser's own reason on malformed input. */
export function parseJson(bytes: Uint8Array, where: { pointer: string } | { field: string }): unknown {
  const text = decodeUtf8(bytes, where);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    throw new KernelError('invalid_input', `the request body ${reason}`, { details: { errors: [{ ...where, reason }] } });
  }
  if (exceedsDepth(value, MAX_JSON_DEPTH)) {
    const reason = `nests more than ${MAX_JSON_DEPTH} levels of arrays and objects`;
    throw new KernelError('invalid_input', `the request body ${reason}`, { details: { errors: [{ ...where, reason }] } });
  }
  return value;
}

/** Iterative, so the check itself cannot overflow the stack it protects. */
function exceedsDepth(root: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}
