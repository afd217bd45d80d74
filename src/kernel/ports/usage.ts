/**
 * Where the processor reports what handling events spent, so budgets and rate limits can see it.
 * The security module implements it with counters in the store (shared by every instance).
 */
export interface UsageDelta {
  events?: number;
  tokens?: number;
  costUsd?: number;
}

export interface UsageRecorder {
  add(userId: string, at: Date, delta: UsageDelta): Promise<void>;
}
