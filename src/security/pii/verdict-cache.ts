/**
 * What the detectors found in a string, kept per user for strings that come again.
 *
 * A user's traffic repeats itself: the same senders and recipients, an assistant's system
 * prompt, and above all an agent's conversation, which every model request carries again with
 * one more message. Scanning those strings once per event was about half of the scanner's time
 * on the kernel bench's traffic. A verdict depends only on the string, the property name it
 * stands under and the kinds asked for, so it can be kept; it is kept per user (the scope) so
 * that how fast a scan answers never tells one user what another sent.
 *
 * Bounded by the characters held (texts and property names) and by entries: when full it starts
 * over, as the scanner's other caches do. Strings longer than MAX_CACHED_TEXT are always scanned.
 */
import { scanText } from './scan-text.js';
import type { Candidate, PiiKind, TextContext } from './types.js';

/** Longer strings are scanned every time: a long text seldom repeats exactly. */
export const MAX_CACHED_TEXT = 4096;

export interface PiiVerdictCacheOptions {
  /** Characters held before the cache starts over (one or two bytes each). */
  maxChars?: number;
  /** Verdicts held before the cache starts over (each costs a map entry besides its text). */
  maxEntries?: number;
}

/** One user's verdicts: by property name (none: `unnamed`), then by text. */
interface ScopeVerdicts {
  named: Map<string, Map<string, readonly Candidate[]>>;
  unnamed: Map<string, readonly Candidate[]>;
}

export class PiiVerdictCache {
  readonly #maxChars: number;
  readonly #maxEntries: number;
  /** Per kinds set (the scanner passes the same frozen set for the same options), then per scope. */
  #byKinds = new WeakMap<ReadonlySet<PiiKind>, Map<string, ScopeVerdicts>>();
  #chars = 0;
  #entries = 0;

  constructor(options: PiiVerdictCacheOptions = {}) {
    this.#maxChars = options.maxChars ?? 2_000_000;
    this.#maxEntries = options.maxEntries ?? 50_000;
  }

  /** scanText's answer for `text` (a value, not a property name) in `scope`, kept for the next time. */
  verdict(scope: string, text: string, context: TextContext, kinds: ReadonlySet<PiiKind>): readonly Candidate[] {
    if (text.length > MAX_CACHED_TEXT) return scanText(text, context, kinds);
    // Maps nested by scope, property name and text rather than one map on a key joined from them:
    // joining copied every string and hashed the copy, which cost more than the scans it saved.
    const texts = this.#texts(scope, context.key, kinds);
    const known = texts.get(text);
    if (known !== undefined) return known;
    const found = Object.freeze(scanText(text, context, kinds));
    const chars = text.length + (context.key?.length ?? 0);
    if (this.#chars + chars > this.#maxChars || this.#entries >= this.#maxEntries) {
      this.clear();
      this.#texts(scope, context.key, kinds).set(text, found);
    } else {
      texts.set(text, found);
    }
    this.#chars += chars;
    this.#entries += 1;
    return found;
  }

  #texts(scope: string, key: string | undefined, kinds: ReadonlySet<PiiKind>): Map<string, readonly Candidate[]> {
    let scopes = this.#byKinds.get(kinds);
    if (scopes === undefined) this.#byKinds.set(kinds, (scopes = new Map<string, ScopeVerdicts>()));
    let verdicts = scopes.get(scope);
    if (verdicts === undefined) scopes.set(scope, (verdicts = { named: new Map(), unnamed: new Map() }));
    if (key === undefined) return verdicts.unnamed;
    let texts = verdicts.named.get(key);
    if (texts === undefined) verdicts.named.set(key, (texts = new Map<string, readonly Candidate[]>()));
    return texts;
  }

  /** Characters held (what the bound counts). */
  get chars(): number {
    return this.#chars;
  }

  clear(): void {
    this.#byKinds = new WeakMap();
    this.#chars = 0;
    this.#entries = 0;
  }
}
