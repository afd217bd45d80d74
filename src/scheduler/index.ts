/** Schedules: events published once at an instant or at every slot of a cron pattern, exactly once per slot. */
export { Scheduler, slotEventId, type SchedulerDeps, type TickResult } from './scheduler.js';
export { ScheduleStore } from './schedule-store.js';
export { startTicker, type Ticker } from './ticker.js';
export { checkCron, checkTimeZone, nextCronSlot } from './slots.js';
export type { Schedule, ScheduleInput } from './schedule.js';
