/**
 * RFC 8785 (JSON Canonicalization Scheme) for plain JSON data: what the audit chain hashes.
 *
 * RFC 8785 is defined in terms of ECMAScript's own JSON serialization: strings and numbers are
 * written exactly as `JSON.stringify` writes them, object members are sorted by their names'
 * UTF-16 code units (the default `sort()` order), and nothing else varies. So this hands every
 * primitive that needs escaping to the engine's native serializer (a string without quotes,
 * backslashes, control characters or surrogates is just wrapped in quotes) and only adds the
 * ordering. That makes it faster than a general-purpose canonicalizer (no `toJSON`, boxed values
 * or explicit stack: audit entries are schema-parsed plain data), and it runs once per processed
 * event. The test suite checks it against the `canonicalize` package on generated values.
 *
 * Refused, as RFC 8785 requires: lone surrogates, NaN and the infinities. Like JSON.stringify,
 * members whose value is undefined are left out. Nesting deeper than MAX_DEPTH is refused, which
 * also turns a cycle into an error instead of a stack overflow.
 */
const MAX_DEPTH = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** Member names repeat from entry to entry (a schema's fields): quote each once. Bounded. */
const quotedNames = new Map<string, string>();
const MAX_QUOTED_NAMES = 4096;
/**
 * Canonical texts of sealed values (sealCanonical). Keyed weakly by the value itself, which is
 * deep-frozen, so a text can never go stale; a memo of immutable data, not shared state.
 */
const sealedTexts = new WeakMap<object, string>();

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

/** The canonical JSON text of `value`, or undefined for undefined (as JSON.stringify). */
export function canonicalJson(value: unknown): string | undefined {
  return write(value, 0);
}

/**
 * Deep-freezes `value` (plain JSON data) and keeps its canonical text, which every later
 * canonicalJson that meets this very object reuses instead of writing it again. For values many
 * documents share: an authorizer's decision is one of a handful for most events (see
 * security/authorization/decision-interner.ts), and it was the largest part of an audit entry.
 * Throws what canonicalJson throws.
 */
export function sealCanonical<T extends object>(value: T): T {
  if (sealedTexts.has(value)) return value;
  const text = write(value, 0);
  if (text === undefined) throw new CanonicalJsonError('a sealed value must have a JSON form');
  deepFreeze(value);
  sealedTexts.set(value, text);
  return value;
}

/** True for a value sealCanonical sealed (deep-frozen, its text kept). */
export function isSealed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && sealedTexts.has(value);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const member of Object.values(value)) deepFreeze(member);
  Object.freeze(value);
}

function write(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      // Most strings need no escape at all; the others are written by the engine, after the
      // surrogate check (JSON.stringify would write a lone one as an escape, RFC 8785 refuses it).
      if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
      assertWellFormed(value);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${value} is not allowed in JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw new CanonicalJsonError(`nested deeper than ${MAX_DEPTH} levels (or circular)`);
      return sealedTexts.get(value) ?? (Array.isArray(value) ? writeArray(value, depth + 1) : writeObject(value as Record<string, unknown>, depth + 1));
    default:
      // undefined, functions and symbols: no JSON form, as with JSON.stringify.
      return undefined;
  }
}

function writeArray(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i += 1) {
    if (i > 0) out += ',';
    out += write(items[i], depth) ?? 'null';
  }
  return `${out}]`;
}

function writeObject(object: Record<string, unknown>, depth: number): string {
  if (typeof object.toJSON === 'function') throw new CanonicalJsonError('objects with toJSON (such as Date) are not plain JSON data');
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const text = write(object[key], depth);
    if (text === undefined) continue;
    if (out.length > 1) out += ',';
    out += quoted(key);
    out += text;
  }
  return `${out}}`;
}

/** `"name":`, cached. */
function quoted(name: string): string {
  let text = quotedNames.get(name);
  if (text === undefined) {
    assertWellFormed(name);
    text = `${JSON.stringify(name)}:`;
    if (quotedNames.size < MAX_QUOTED_NAMES) quotedNames.set(name, text);
  }
  return text;
}

function assertWellFormed(text: string): void {
  if (LONE_SURROGATE.test(text)) throw new CanonicalJsonError('a string holds a lone surrogate, which RFC 8785 does not allow');
}
