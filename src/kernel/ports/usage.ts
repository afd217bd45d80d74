/**
 * Where the processor reports what handling events spent, so budgets and rate limits can see it.
 * The security module implements it with counters in the store (shared by every instance).
 */
import type { ModelUsage } from '../records.js';

export interface UsageDelta {
  events?: number;
  tokens?: number;
  costUsd?: number;
  /** The same tokens and cost broken down by model, counted per user, model and day as well. */
  models?: readonly ModelUsage[];
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
