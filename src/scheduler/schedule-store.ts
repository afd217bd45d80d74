/**
 * Schedules in the StateStore: each user's schedules in their own partition (kind `schedule`),
 * and one due index for all users in the global partition (kind `schedule-due`), keyed
 * `<nextFireAt ISO>|<user>|<id>`. ISO instants in UTC sort as text, so the store's key order is
 * fire-time order: a tick reads the first entries up to now and stops, and its cost does not
 * grow with the schedules that are not due (SQLite: the primary key; Cosmos DB: ORDER BY within
 * one partition).
 *
 * The index may briefly hold an entry the schedule no longer agrees with (a crash between two
 * writes): the scheduler treats the schedule document as the truth and repairs the index.
 */
import { GLOBAL_PARTITION, KernelError, type StateItem, type StateStore } from '../kernel/index.js';
import { scheduleSchema, type Schedule } from './schedule.js';

const SCHEDULE_KIND = 'schedule';
const DUE_KIND = 'schedule-due';

export interface StoredSchedule {
  schedule: Schedule;
  etag: string;
}

export interface DueEntry {
  key: string;
  at: string;
  userId: string;
  scheduleId: string;
}

export function dueKey(at: string, userId: string, scheduleId: string): string {
  return `${at}|${userId}|${scheduleId}`;
}

function parseDueKey(key: string): DueEntry | undefined {
  const [at, userId, scheduleId, ...rest] = key.split('|');
  if (at === undefined || userId === undefined || scheduleId === undefined || rest.length > 0) return undefined;
  return { key, at, userId, scheduleId };
}

function stored(item: StateItem): StoredSchedule {
  const parsed = scheduleSchema.safeParse(item.value);
  if (!parsed.success) throw new KernelError('internal', `stored schedule ${item.key} is malformed: ${parsed.error.message}`);
  return { schedule: parsed.data, etag: item.etag };
}

export class ScheduleStore {
  constructor(private readonly state: StateStore) {}

  async get(userId: string, id: string): Promise<StoredSchedule | undefined> {
    const item = await this.state.get(userId, SCHEDULE_KIND, id);
    return item && stored(item);
  }

  /** One page of a user's schedules, by id. */
  async list(userId: string, limit: number, afterId?: string): Promise<Schedule[]> {
    const items = await this.state.list(userId, SCHEDULE_KIND, { limit, ...(afterId !== undefined && { afterKey: afterId }) });
    return items.map((item) => stored(item).schedule);
  }

  /** Creates the schedule; `conflict` when the id is taken. */
  async create(schedule: Schedule): Promise<StoredSchedule> {
    try {
      const item = await this.state.put(schedule.userId, SCHEDULE_KIND, schedule.id, schedule, { ifNoneMatch: '*' });
      return { schedule, etag: item.etag };
    } catch (error) {
      if (error instanceof KernelError && error.code === 'precondition_failed') throw new KernelError('conflict', `a schedule "${schedule.id}" exists already`);
      throw error;
    }
  }

  /** Replaces the schedule if it is unchanged since `etag` was read; `precondition_failed` otherwise. */
  async replace(schedule: Schedule, etag: string): Promise<StoredSchedule> {
    const item = await this.state.put(schedule.userId, SCHEDULE_KIND, schedule.id, schedule, { ifMatch: etag });
    return { schedule, etag: item.etag };
  }

  async delete(userId: string, id: string, etag: string): Promise<boolean> {
    return this.state.delete(userId, SCHEDULE_KIND, id, { ifMatch: etag });
  }

  async putDue(at: string, userId: string, scheduleId: string): Promise<void> {
    await this.state.put(GLOBAL_PARTITION, DUE_KIND, dueKey(at, userId, scheduleId), { userId, scheduleId });
  }

  async deleteDue(key: string): Promise<void> {
    await this.state.delete(GLOBAL_PARTITION, DUE_KIND, key);
  }

  /**
   * Index entries due at or before `until`, earliest first, at most `limit`. Pages start small and
   * double while every entry read was due, so a tick with little due reads little.
   */
  async due(until: string, limit: number): Promise<DueEntry[]> {
    const entries: DueEntry[] = [];
    let after: string | undefined;
    for (let page = 8; entries.length < limit; page = Math.min(page * 2, 256)) {
      const items = await this.state.list(GLOBAL_PARTITION, DUE_KIND, { limit: Math.min(page, limit - entries.length), ...(after !== undefined && { afterKey: after }) });
      for (const item of items) {
        const entry = parseDueKey(item.key);
        if (entry === undefined) continue; // not an entry this module writes
        if (entry.at > until) return entries;
        entries.push(entry);
      }
      if (items.length < page) return entries;
      after = items[items.length - 1]!.key;
    }
    return entries;
  }

  /** The earliest index entry, for a ticker that sleeps until it is due. */
  async earliest(): Promise<string | undefined> {
    const [first] = await this.state.list(GLOBAL_PARTITION, DUE_KIND, { limit: 1 });
    return first && parseDueKey(first.key)?.at;
  }
}
