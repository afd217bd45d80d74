/**
 * The public scanner: walks a JSON value (object keys included), runs the string detectors on
 * every string, and on every number whose decimal form has 9+ digits (or that a credential-named
 * property holds), and reports findings by JSON pointer; or returns a redacted deep copy.
 */
import { KernelError } from '../../kernel/index.js';
import { credentialStrength } from './credentials.js';
import { assertScannable } from './limits.js';
import { scanText } from './scan-text.js';
import type { PiiVerdictCache } from './verdict-cache.js';
import { PII_KINDS, scanOptionsSchema, type Candidate, type PiiFinding, type PiiKind, type PiiScanOptions, type TextContext } from './types.js';

interface Parsed {
  kinds: ReadonlySet<PiiKind>;
  maxFindings: number;
}

/** Most callers scan for everything: parsed once, not per event. */
const DEFAULT_OPTIONS: Parsed = Object.freeze({ kinds: new Set(PII_KINDS), maxFindings: Number.POSITIVE_INFINITY });

function parseOptions(options: PiiScanOptions | undefined): Parsed {
  if (options === undefined) return DEFAULT_OPTIONS;
  const parsed = scanOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) throw new KernelError('invalid_input', `invalid PII scan options: ${parsed.error.message}`, { cause: parsed.error });
  if (parsed.data.kinds === undefined && parsed.data.maxFindings === undefined) return DEFAULT_OPTIONS;
  return { kinds: new Set(parsed.data.kinds ?? PII_KINDS), maxFindings: parsed.data.maxFindings ?? Number.POSITIVE_INFINITY };
}

/** RFC 6901: '~' -> '~0', '/' -> '~1'. */
function pointerOf(path: readonly (string | number)[]): string {
  let pointer = '';
  for (const segment of path) pointer += `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return pointer;
}

/** The text a number is scanned as, or undefined when it is not scanned. */
function numberText(value: number | bigint, key: string | undefined): string | undefined {
  // Most numbers are small integers: under 9 digits, scanned only under a credential's name.
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e8) return key !== undefined && credentialStrength(key) !== undefined ? String(value) : undefined;
  const text = String(value);
  let digits = 0;
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) digits += 1;
  return digits >= 9 || (key !== undefined && credentialStrength(key) !== undefined) ? text : undefined;
}

function replace(text: string, found: readonly Candidate[]): string {
  let result = '';
  let at = 0;
  for (const candidate of found) {
    result += `${text.slice(at, candidate.start)}[REDACTED:${candidate.kind}]`;
    at = candidate.end;
  }
  return result + text.slice(at);
}

function toFinding(candidate: Candidate, pointer: string, inKey: boolean): PiiFinding {
  const finding: PiiFinding = { kind: candidate.kind, pointer, start: candidate.start, end: candidate.end };
  if (candidate.detail !== undefined) finding.detail = candidate.detail;
  if (inKey) finding.inKey = true;
  return finding;
}

/** Verdicts kept for strings that come again, and whose they are (a user: see verdict-cache.ts). */
export interface ScopedVerdicts {
  cache: PiiVerdictCache;
  scope: string;
}

/**
 * Walks `value` depth-first in document order (for a member: its key, then its value), collecting
 * findings and, in copy mode, building the redacted copy.
 */
class Walker {
  readonly findings: PiiFinding[] = [];
  readonly #path: (string | number)[] = [];

  constructor(
    readonly options: Parsed,
    private readonly copy: boolean,
    private readonly verdicts?: ScopedVerdicts,
  ) {}

  #scan(text: string, context: TextContext): string {
    if (this.done) return text;
    const { kinds } = this.options;
    const found = context.inKey ? scanKey(text, kinds) : this.verdicts ? this.verdicts.cache.verdict(this.verdicts.scope, text, context, kinds) : scanText(text, context, kinds);
    if (found.length === 0) return text;
    const pointer = pointerOf(this.#path);
    for (const candidate of found) {
      if (this.done) break;
      this.findings.push(toFinding(candidate, pointer, context.inKey));
    }
    return this.copy ? replace(text, found) : text;
  }

  /** Enough findings to stop (never in copy mode: a redaction is never partial). */
  get done(): boolean {
    return !this.copy && this.findings.length >= this.options.maxFindings;
  }

  walk(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'string') return this.#scan(value, { key, inKey: false });
    if (typeof value === 'number' || typeof value === 'bigint') {
      const text = numberText(value, key);
      if (text === undefined) return value;
      const scanned = this.#scan(text, { key, inKey: false });
      return scanned === text ? value : scanned;
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return this.#array(value, key);
    return this.#object(value as Record<string, unknown>);
  }

  /**
   * In copy mode, an array or object is copied only when something in it was redacted: a clean
   * value (most events) comes back as itself, with no allocation. The input is never mutated.
   */
  #array(value: readonly unknown[], key: string | undefined): readonly unknown[] {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length && !this.done; index += 1) {
      this.#path.push(index);
      const original = value[index];
      const item = this.walk(original, key); // items inherit the property name as context
      if (this.copy && copy === undefined && item !== original) copy = value.slice(0, index);
      copy?.push(item);
      this.#path.pop();
    }
    return copy ?? value;
  }

  #object(value: Record<string, unknown>): Record<string, unknown> {
    const keys = Object.keys(value);
    let copy: Record<string, unknown> | undefined;
    let taken: Set<string> | undefined;
    for (let index = 0; index < keys.length && !this.done; index += 1) {
      const key = keys[index]!;
      this.#path.push(key);
      let outKey = this.#scan(key, IN_KEY);
      const original = value[key];
      const item = this.walk(original, key);
      if (this.copy && copy === undefined && (outKey !== key || item !== original)) {
        copy = {};
        taken = new Set(keys);
        for (const earlier of keys.slice(0, index)) define(copy, earlier, value[earlier]);
      }
      if (copy !== undefined && taken !== undefined) {
        if (outKey !== key) {
          // Two redacted keys (or a redacted and a real one) must not collapse into one member.
          const base = outKey;
          for (let suffix = 2; taken.has(outKey); suffix += 1) outKey = `${base}~${suffix}`;
          taken.add(outKey);
        }
        define(copy, outKey, item);
      }
      this.#path.pop();
    }
    return copy ?? value;
  }
}

const IN_KEY: TextContext = Object.freeze({ key: undefined, inKey: true });

/**
 * What a property name holds. Events of one kind repeat the same few names (`subject`, `body`,
 * `to`), so the answers for short names are kept: scanning them again, event after event, was
 * a good part of a scan's cost. The answer depends only on the name and the kinds (an object
 * key has no property name around it); the cache starts over when full.
 */
const keyScans = new WeakMap<ReadonlySet<PiiKind>, Map<string, Candidate[]>>();
const MAX_CACHED_KEY = 64;
const MAX_CACHED_KEYS = 4096;

function scanKey(key: string, kinds: ReadonlySet<PiiKind>): Candidate[] {
  if (key.length > MAX_CACHED_KEY) return scanText(key, IN_KEY, kinds);
  let cache = keyScans.get(kinds);
  if (cache === undefined) keyScans.set(kinds, (cache = new Map<string, Candidate[]>()));
  let found = cache.get(key);
  if (found === undefined) {
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    found = scanText(key, IN_KEY, kinds);
    Object.freeze(found);
    cache.set(key, found);
  }
  return found;
}

/** defineProperty, not assignment: a "__proto__" key must stay a plain member. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Every finding in `value`, in document order. Walks objects (keys too: `inKey`), arrays,
 * strings, and numbers of 9+ digits as their decimal string.
 * @throws KernelError('invalid_input') for bad options, or a value over PII_SCAN_LIMITS or of a
 *   type that is not JSON-like (fail closed: the caller must not pass it on unscanned).
 */
export function detectPii(value: unknown, options?: PiiScanOptions): PiiFinding[] {
  const parsed = parseOptions(options);
  assertScannable(value);
  const walker = new Walker(parsed, false);
  walker.walk(value, undefined);
  return walker.findings;
}

/** True when `value` holds at least one finding; stops at the first. Same errors as detectPii. */
export function containsPii(value: unknown, options?: PiiScanOptions): boolean {
  return detectPii(value, { ...options, maxFindings: 1 }).length > 0;
}

/**
 * A copy of `value` with every finding replaced by `[REDACTED:<kind>]` (a number holding one
 * becomes the redacted string; redacted keys that would collide get a `~2`, `~3` suffix), and the
 * findings. The input is never mutated; parts of it without findings are shared, not copied
 * (a value without any finding is returned as itself). `maxFindings` is ignored: a redaction is never partial.
 * With `verdicts`, what strings seen before in the same scope held is taken from there.
 * Same errors as detectPii.
 */
export function redactPii(value: unknown, options?: PiiScanOptions, verdicts?: ScopedVerdicts): { value: unknown; findings: PiiFinding[] } {
  const parsed = parseOptions(options);
  assertScannable(value);
  const walker = new Walker(parsed, true, verdicts);
  const redacted = walker.walk(value, undefined);
  return { value: redacted, findings: walker.findings };
}
