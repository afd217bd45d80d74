/**
 * Where the processor reports what handling events spent, so budgets and rate limits can see it.
 * The security module implements it with counters in the store (shared by every instance).
 */
import type { ModelUsage } from '../records.js';
import type { ThrottleWindow } from '../throttle.js';

export interface UsageDelta {
  events?: number;
  tokens?: number;
  costUsd?: number;
  /** The same tokens and cost broken down by model, counted per user, model and day as well. */
  models?: readonly ModelUsage[];
  /**
   * Who spent `costUsd`, when something cost money: each driver run that reported a cost, and the
   * driver that produced the event it handled (absent for events from outside). A skill pack's
   * spend, which its daily ceiling caps, is counted from it.
   */
  spentBy?: readonly CostAttribution[];
}

export interface CostAttribution {
  driver: string;
  producer?: string;
  costUsd: number;
}

export interface UsageRecorder {
  add(userId: string, at: Date, delta: UsageDelta): Promise<void>;
}

/** What one user has used, as rates and totals at an instant: what policies see as `usage`. */
export interface UsageSnapshot {
  events_per_minute: number;
  events_per_hour: number;
  events_per_day: number;
  tokens_today: number;
  tokens_month: number;
  /** US dollars. */
  cost_today: number;
  cost_month: number;
}

/** The round a delayed event waits in: the throttle's window, and the start of the window it runs in. */
export interface DelayedSlot {
  window: ThrottleWindow;
  start: Date;
}

/**
 * Counts each user's delayed events (throttled, not yet run), so that ingress can refuse work
 * that would only wait. The processor reports every delivery that moves a delayed event: it
 * leaves the slot it was delayed to (`from`) and, when throttled again, joins another (`to`).
 * Best effort, like usage: a failure is logged and the count is off until the implementation's
 * counters of that slot expire (which is also what bounds a move counted twice by a redelivery).
 */
export interface DelayedEventCounter {
  moved(userId: string, move: { from?: DelayedSlot; to?: DelayedSlot }): Promise<void>;
}
