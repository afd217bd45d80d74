/**
 * The scheduler: users' schedules (create, list, pause, resume, delete) and the tick that fires
 * due slots. A slot fires exactly once, with any number of schedulers ticking at once (embedded
 * host, Function App instances, `vextir worker`s), because:
 *
 * 1. its event has an id derived from the schedule and the slot, and is published through the
 *    kernel's ingress, which accepts an id once per user (a second publish is a duplicate);
 * 2. the schedule then moves on to its next slot with a write conditioned on the ETag it was read
 *    with: of two schedulers, one wins, the other sees `precondition_failed` and moves on.
 *
 * Publishing before the claim means a crash in between publishes the same event again on the
 * next tick (dropped as a duplicate) rather than losing the slot. Slots due within the lookahead
 * are published ahead with `notBefore`, so the bus delivers them on time between ticks.
 */
import { randomBytes } from 'node:crypto';
import { isKernelError, KernelError, type Clock, type Envelope, type Logger } from '../kernel/index.js';
import { parseScheduleInput } from './parse.js';
import { scheduleSchema, type Schedule } from './schedule.js';
import type { DueEntry, ScheduleStore, StoredSchedule } from './schedule-store.js';
import { nextCronSlot } from './slots.js';

export interface SchedulerDeps {
  store: ScheduleStore;
  /** Accepts the slot's event as its user's (the kernel's ingress), to be delivered no earlier than `notBefore`. */
  publish(event: Envelope, notBefore: Date | undefined): Promise<void>;
  clock: Clock;
  logger: Logger;
  /** Schedules one user may have (default 1000). */
  maxPerUser?: number;
}

export interface TickResult {
  fired: number;
  skipped: number;
  /** Index entries that no longer matched their schedule (moved, paused, deleted), removed. */
  repaired: number;
}

const DEFAULT_MAX_PER_USER = 1000;
/** A slot later than this behind the tick was missed (the scheduler was not running), not merely late. */
const MISSED_AFTER_MS = 60_000;

export class Scheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  async create(userId: string, body: unknown): Promise<Schedule> {
    const input = parseScheduleInput(body);
    const existing = await this.deps.store.list(userId, this.#maxPerUser);
    if (existing.length >= this.#maxPerUser) throw new KernelError('conflict', `you have ${existing.length} schedules, the most one user may keep; delete one first`);
    const now = this.deps.clock.now();
    const schedule: Schedule = {
      id: input.id ?? `sch_${randomBytes(12).toString('base64url')}`,
      userId,
      ...(input.name !== undefined && { name: input.name }),
      event: input.event,
      ...(input.at !== undefined && { at: new Date(input.at).toISOString() }),
      ...(input.cron !== undefined && { cron: input.cron }),
      timezone: input.timezone,
      catchup: input.catchup,
      status: 'active',
      fired: 0,
      skipped: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const first = schedule.at ?? nextCronSlot(schedule.cron!, schedule.timezone, now)?.toISOString();
    if (first === undefined) throw new KernelError('invalid_input', `the cron pattern "${schedule.cron}" has no future slot`);
    schedule.nextFireAt = first;
    // Index first: an index entry without its schedule is removed by the next tick; a schedule without its entry would never fire.
    await this.deps.store.putDue(first, userId, schedule.id);
    return (await this.deps.store.create(schedule)).schedule;
  }

  async list(userId: string, limit: number, afterId?: string): Promise<Schedule[]> {
    return this.deps.store.list(userId, limit, afterId);
  }

  async get(userId: string, id: string): Promise<Schedule> {
    return (await this.#stored(userId, id)).schedule;
  }

  async pause(userId: string, id: string): Promise<Schedule> {
    const { schedule, etag } = await this.#stored(userId, id);
    if (schedule.status !== 'active') return schedule;
    const { nextFireAt: _dropped, ...rest } = schedule;
    const paused: Schedule = { ...rest, status: 'paused', updatedAt: this.deps.clock.now().toISOString() };
    return (await this.deps.store.replace(paused, etag)).schedule; // its index entry is removed when the tick reaches it
  }

  /** Resumes from the next slot after now (slots passed while paused are not fired). */
  async resume(userId: string, id: string): Promise<Schedule> {
    const { schedule, etag } = await this.#stored(userId, id);
    if (schedule.status !== 'paused') return schedule;
    const now = this.deps.clock.now();
    const next = schedule.cron !== undefined ? nextCronSlot(schedule.cron, schedule.timezone, now)?.toISOString() : schedule.at;
    if (next === undefined) throw new KernelError('conflict', `schedule "${id}" has no slot left to resume to`);
    await this.deps.store.putDue(next, userId, id);
    return (await this.deps.store.replace({ ...schedule, status: 'active', nextFireAt: next, updatedAt: now.toISOString() }, etag)).schedule;
  }

  async remove(userId: string, id: string): Promise<void> {
    const { etag } = await this.#stored(userId, id);
    if (!(await this.deps.store.delete(userId, id, etag))) throw new KernelError('not_found', `no schedule "${id}"`);
  }

  /** Fires every slot due before now + `lookaheadMs` (at most `limit` of them). */
  async tick(lookaheadMs: number, limit = 1000): Promise<TickResult> {
    const now = this.deps.clock.now();
    const result: TickResult = { fired: 0, skipped: 0, repaired: 0 };
    const due = await this.deps.store.due(new Date(now.getTime() + lookaheadMs).toISOString(), limit);
    for (const entry of due) {
      try {
        await this.#fire(entry, now, result);
      } catch (error) {
        // One schedule's failure must not hold up the others; its entry stays, so the next tick retries it.
        this.deps.logger.error({ err: error, schedule: entry.scheduleId, userId: entry.userId, slot: entry.at }, 'firing a schedule slot failed; retrying on the next tick');
      }
    }
    return result;
  }

  async #fire(entry: DueEntry, now: Date, result: TickResult): Promise<void> {
    const stored = await this.deps.store.get(entry.userId, entry.scheduleId);
    if (stored === undefined || stored.schedule.status !== 'active' || stored.schedule.nextFireAt !== entry.at) {
      // The schedule moved on (another scheduler fired it), was paused or deleted: make sure its
      // current slot has an entry (a crash may have left only this stale one), then drop this one.
      if (stored?.schedule.status === 'active' && stored.schedule.nextFireAt !== undefined) await this.deps.store.putDue(stored.schedule.nextFireAt, entry.userId, entry.scheduleId);
      await this.deps.store.deleteDue(entry.key);
      result.repaired += 1;
      return;
    }
    const { schedule } = stored;
    const slot = new Date(entry.at);
    const missed = now.getTime() - slot.getTime() > MISSED_AFTER_MS;
    const publish = !missed || schedule.catchup === 'once';
    const eventId = slotEventId(schedule, entry.at);
    if (publish) await this.deps.publish(slotEvent(schedule, entry.at, eventId), slot > now ? slot : undefined);
    // The next slot: after this one, or after now when slots were missed (never a burst).
    const next = schedule.cron !== undefined ? nextCronSlot(schedule.cron, schedule.timezone, missed ? now : slot)?.toISOString() : undefined;
    if (next !== undefined) await this.deps.store.putDue(next, schedule.userId, schedule.id);
    const { nextFireAt: _previous, ...rest } = schedule;
    const advanced: Schedule = {
      ...rest,
      status: next === undefined ? 'completed' : 'active',
      ...(next !== undefined && { nextFireAt: next }),
      ...(publish && { lastFiredAt: entry.at, lastEventId: eventId }),
      fired: schedule.fired + (publish ? 1 : 0),
      skipped: schedule.skipped + (publish ? 0 : 1),
      updatedAt: now.toISOString(),
    };
    try {
      await this.deps.store.replace(scheduleSchema.parse(advanced), stored.etag);
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
      return; // another scheduler claimed this slot first; its event and ours are the same event
    }
    await this.deps.store.deleteDue(entry.key);
    if (publish) result.fired += 1;
    else result.skipped += 1;
  }

  async #stored(userId: string, id: string): Promise<StoredSchedule> {
    const stored = await this.deps.store.get(userId, id);
    if (stored === undefined) throw new KernelError('not_found', `no schedule "${id}"`);
    return stored;
  }

  get #maxPerUser(): number {
    return this.deps.maxPerUser ?? DEFAULT_MAX_PER_USER;
  }
}

/**
 * The same id for a slot however many times and by whichever scheduler it is published. The
 * creation instant is part of it: a schedule deleted and created again under its id (maybe with
 * another event) never collides with the events of the one before.
 */
export function slotEventId(schedule: Pick<Schedule, 'id' | 'createdAt'>, slot: string): string {
  return `sch-${schedule.id}.${new Date(schedule.createdAt).getTime().toString(36)}.${new Date(slot).getTime().toString(36)}`;
}

function slotEvent(schedule: Schedule, slot: string, id: string): Envelope {
  return {
    specversion: '1.0',
    id,
    type: schedule.event.type,
    source: `/schedules/${schedule.id}`,
    time: slot,
    ...(schedule.event.subject !== undefined && { subject: schedule.event.subject }),
    ...(schedule.event.data !== undefined && { data: schedule.event.data }),
    userid: schedule.userId,
    category: 'input',
    correlationid: id,
    depth: 0,
  };
}
