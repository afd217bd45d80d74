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
 * Bounded by the characters held (keys and texts), not by entries: when full it starts over,
 * as the scanner's other caches do. Strings longer than MAX_CACHED_TEXT are always scanned.
 */
import { scanText } from './scan-text.js';
import type { Candidate, PiiKind, TextContext } from './types.js';

/** Longer strings are scanned every time: a long text seldom repeats exactly. */
export const MAX_CACHED_TEXT = 4096;

export interface PiiVerdictCacheOptions {
  /** Characters held before the cache starts over (about two bytes each). */
  maxChars?: number;
}

export class PiiVerdictCache {
  readonly #maxChars: number;
  /** Per kinds set (the scanner passes the same frozen set for the same options). */
  #byKinds = new WeakMap<ReadonlySet<PiiKind>, Map<string, readonly Candidate[]>>();
  #chars = 0;

  constructor(options: PiiVerdictCacheOptions = {}) {
    this.#maxChars = options.maxChars ?? 2_000_000;
  }

  /** scanText's answer for `text` (a value, not a property name) in `scope`, kept for the next time. */
  verdict(scope: string, text: string, context: TextContext, kinds: ReadonlySet<PiiKind>): readonly Candidate[] {
    if (text.length > MAX_CACHED_TEXT) return scanText(text, context, kinds);
    let verdicts = this.#byKinds.get(kinds);
    if (verdicts === undefined) this.#byKinds.set(kinds, (verdicts = new Map()));
    // Lengths first, so that no scope, property name and text can run into one another.
    const { key } = context;
    const id = key === undefined ? `${scope.length}:${scope}-${text}` : `${scope.length}:${scope}${key.length}:${key}${text}`;
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    const found = Object.freeze(scanText(text, context, kinds));
    if (this.#chars + id.length > this.#maxChars) {
      this.clear();
      this.#byKinds.set(kinds, (verdicts = new Map()));
    }
    verdicts.set(id, found);
    this.#chars += id.length;
    return found;
  }

  /** Characters held (what the bound counts). */
  get chars(): number {
    return this.#chars;
  }

  clear(): void {
    this.#byKinds = new WeakMap();
    this.#chars = 0;
  }
}
