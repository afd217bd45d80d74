/**
 * Each user's delayed events (throttled, not yet run), counted in the StateStore (kind
 * `delayed`, partition = user id) so that every instance reads the same number: what the ingress
 * bound (VEXTIR_MAX_DELAYED_EVENTS) compares against.
 *
 * One counter per slot, the window start a throttled event was delayed to (its spread does not
 * matter here): +1 when an event is delayed into it, -1 when that delivery is handled (run,
 * denied, parked for approval, or delayed again, into the next slot). Why per slot rather than
 * one number per user: a move counted twice (the processor counts before the outcome is settled,
 * and a crash in between means a redelivery counts it again) or not at all (a failed write)
 * would make one number drift for good. A slot's counter is read only while its slot is near
 * (see `count`) and expires a day after it, so such an error lasts at most that long.
 */
import { z } from 'zod';
import { type DelayedEventCounter, type DelayedSlot, KernelError, type StateStore, nextWindowStart, type ThrottleWindow, windowLengthMs, windowStart } from '../../kernel/index.js';

export const DELAYED_KIND = 'delayed';

/** How long a slot's counter is kept after its slot starts: longer than any slot is read for (a day's is read through that day). */
const KEEP_MS = windowLengthMs('day') + 60 * 60_000;

const WINDOWS: readonly ThrottleWindow[] = ['minute', 'hour', 'day'];

const counterSchema = z.looseObject({ events: z.number().optional() });

/** The user's delayed events, and the earliest slot still to come that holds some: when the count drops next. */
export interface DelayedCount {
  events: number;
  nextSlot?: Date;
}

export interface DelayedEventsOptions {
  /**
   * 0 (default): every `count` reads the store. Above 0: a user's count is reused for that many
   * milliseconds within the same minute (and dropped when this instance moves one of theirs).
   * The ingress reads it for every request, and the read was a good part of taking an event
   * in; the bound is an estimate already, and may now be passed by what arrives meanwhile.
   */
  cacheMs?: number;
}

/** Users whose count is kept; beyond that the cache starts over. */
const MAX_CACHED_USERS = 10_000;

export class DelayedEvents implements DelayedEventCounter {
  readonly #cacheMs: number;
  readonly #cached = new Map<string, { minute: number; until: number; count: DelayedCount }>();

  constructor(
    private readonly state: StateStore,
    options: DelayedEventsOptions = {},
  ) {
    this.#cacheMs = options.cacheMs ?? 0;
  }

  async moved(userId: string, move: { from?: DelayedSlot; to?: DelayedSlot }): Promise<void> {
    this.#cached.delete(userId);
    const writes: Array<Promise<void>> = [];
    if (move.from) writes.push(this.#add(userId, move.from.start, -1));
    if (move.to) writes.push(this.#add(userId, move.to.start, 1));
    // allSettled: the call settles only when every write has (as UsageCounters.add does).
    const failure = (await Promise.allSettled(writes)).find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /**
   * The user's delayed events as of `now`: the sum of the slots that can hold waiting events.
   * For each window, the current and the next window's start (events run within the first 5% of
   * their window); and the previous minute's, for a backlog the workers have not reached yet.
   * An estimate: a slot further back (a backlog of minutes) is not counted.
   */
  async count(userId: string, now: Date): Promise<DelayedCount> {
    const minute = windowStart('minute', now).getTime();
    const cached = this.#cached.get(userId);
    if (cached !== undefined && cached.minute === minute && performance.now() < cached.until) return cached.count;
    const count = await this.#read(userId, now);
    if (this.#cacheMs > 0) {
      if (this.#cached.size >= MAX_CACHED_USERS) this.#cached.clear();
      this.#cached.set(userId, { minute, until: performance.now() + this.#cacheMs, count });
    }
    return count;
  }

  async #read(userId: string, now: Date): Promise<DelayedCount> {
    const slots = new Map<string, Date>();
    const add = (start: Date) => slots.set(keyOf(start), start);
    add(new Date(windowStart('minute', now).getTime() - windowLengthMs('minute')));
    for (const window of WINDOWS) {
      add(windowStart(window, now));
      add(nextWindowStart(window, now));
    }
    const items = await this.state.getMany(userId, DELAYED_KIND, [...slots.keys()]);
    let events = 0;
    let nextSlot: Date | undefined;
    for (const item of items) {
      const parsed = counterSchema.safeParse(item.value);
      if (!parsed.success) throw new KernelError('internal', `delayed-events counter ${item.key} does not hold a count`, { cause: parsed.error });
      // A slot below zero lost an increment; it must not hide the others' events.
      const inSlot = Math.max(0, parsed.data.events ?? 0);
      events += inSlot;
      const start = slots.get(item.key);
      if (inSlot > 0 && start !== undefined && start > now && (nextSlot === undefined || start < nextSlot)) nextSlot = start;
    }
    return nextSlot === undefined ? { events } : { events, nextSlot };
  }

  #add(userId: string, start: Date, delta: number): Promise<void> {
    return this.state.increment(userId, DELAYED_KIND, keyOf(start), { events: delta }, { expiresAt: new Date(start.getTime() + KEEP_MS) });
  }
}

function keyOf(start: Date): string {
  return start.toISOString();
}
