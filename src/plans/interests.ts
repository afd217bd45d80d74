/**
 * Which of a user's events the plans driver must see besides its own: events that start one of
 * the user's instructions (event triggers) and events a waiting node waits for (watches). Both
 * are StateStore items keyed by the event type pattern; the router asks on every event, so they
 * are read through a short per-user cache. A change made here is seen here at once; one made by
 * another instance within `cacheMs`, and a wait covers that gap itself (waits.ts rescans).
 */
import { matchesType, type Envelope, type StateStore } from '../kernel/index.js';

export const TRIGGER_KIND = 'instruction-trigger';
export const WATCH_KIND = 'plan-watch';

export interface TriggerInterest {
  pattern: string;
  instruction: string;
}
export interface WatchInterest {
  pattern: string;
  planId: string;
  index: number;
  attempt: number;
  /** Position in the node's `events`. */
  position: number;
}

interface Interests {
  triggers: TriggerInterest[];
  watches: WatchInterest[];
  loadedAt: number;
}

const MAX_CACHED_USERS = 10_000;
const PAGE = 1000;

export class EventInterests {
  readonly #cache = new Map<string, Interests>();

  constructor(
    private readonly state: StateStore,
    private readonly now: () => number,
    readonly cacheMs = 2000,
  ) {}

  /** The triggers and watches `event` meets (sync when the user's interests are cached). */
  of(event: Envelope): { triggers: TriggerInterest[]; watches: WatchInterest[] } | Promise<{ triggers: TriggerInterest[]; watches: WatchInterest[] }> {
    const cached = this.#cache.get(event.userid);
    if (cached !== undefined && this.now() - cached.loadedAt < this.cacheMs) return match(cached, event.type);
    return this.#load(event.userid).then((loaded) => match(loaded, event.type));
  }

  invalidate(userId: string): void {
    this.#cache.delete(userId);
  }

  async #load(userId: string): Promise<Interests> {
    const loadedAt = this.now();
    const [triggers, watches] = await Promise.all([this.#all(userId, TRIGGER_KIND), this.#all(userId, WATCH_KIND)]);
    const interests: Interests = {
      triggers: triggers.map((value) => value as TriggerInterest),
      watches: watches.map((value) => value as WatchInterest),
      loadedAt,
    };
    if (this.#cache.size >= MAX_CACHED_USERS) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(userId, interests);
    return interests;
  }

  async #all(userId: string, kind: string): Promise<unknown[]> {
    const values: unknown[] = [];
    let afterKey: string | undefined;
    for (;;) {
      const page = await this.state.list(userId, kind, { limit: PAGE, ...(afterKey !== undefined && { afterKey }) });
      values.push(...page.map((item) => item.value));
      if (page.length < PAGE) return values;
      afterKey = page[page.length - 1]!.key;
    }
  }
}

function match(interests: Interests, type: string): { triggers: TriggerInterest[]; watches: WatchInterest[] } {
  return {
    triggers: interests.triggers.filter((trigger) => matchesType(trigger.pattern, type)),
    watches: interests.watches.filter((watch) => matchesType(watch.pattern, type)),
  };
}

export function triggerKey(pattern: string, instruction: string): string {
  return `${pattern}|${instruction}`;
}

export function watchKey(pattern: string, planId: string, index: number): string {
  return `${pattern}|${planId}|${index}`;
}
