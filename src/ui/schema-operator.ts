/**
 * The operator's components, which the system dashboard (/apps/system) is made of and any
 * application may use: an event's page, plans and their DAG, agent runs, drivers, schedules,
 * approvals, dead letters and usage. Each reads one part of the API with the reader's token, so
 * it shows what that reader may see; `admin` only hides what the API would refuse anyway.
 */
import { z } from 'zod';
import { base } from './schema-parts.js';

const limit = (fallback: number, max: number) => z.number().int().min(1).max(max).default(fallback);

/** The event the page's route names (`#/<page>/<event id>`): its decision and why, drivers, chain and audit. */
export const eventDetail = z.strictObject({ ...base, type: z.literal('event_detail') });

export const planList = z.strictObject({
  ...base,
  type: z.literal('plan_list'),
  limit: limit(50, 500),
  /** Each plan opens the application's plan_graph page. */
  link: z.boolean().default(false),
});

/** The plan the route names, as its DAG in layers, live while it runs; Cancel and Retry. */
export const planGraph = z.strictObject({ ...base, type: z.literal('plan_graph') });

/** The reader's agent runs; the run the route names as a timeline of its steps. */
export const agentRuns = z.strictObject({ ...base, type: z.literal('agent_runs'), limit: limit(50, 100) });

export const driverTable = z.strictObject({
  ...base,
  type: z.literal('driver_table'),
  /** Seconds between reloads. */
  refresh: z.number().int().min(2).max(3600).default(10),
});

export const scheduleTable = z.strictObject({ ...base, type: z.literal('schedule_table'), limit: limit(100, 1000) });

/** Approvals waiting for the reader (an admin may name another user), with Approve and Reject. */
export const approvalList = z.strictObject({ ...base, type: z.literal('approval_list'), limit: limit(100, 1000) });

/** The bus's dead letters: replay one, or select some and replay them with a progress bar. Admin only (the API's rule). */
export const deadLetters = z.strictObject({ ...base, admin: z.boolean().default(true), type: z.literal('dead_letters'), limit: limit(100, 500) });

/** Tokens, cost or calls per model and day of this month (GET /api/usage), drawn with chart.js. */
export const usageChart = z.strictObject({
  ...base,
  type: z.literal('usage_chart'),
  metric: z.enum(['tokens', 'cost', 'calls']).default('tokens'),
  display: z.enum(['bar', 'line']).default('bar'),
  /** This month's figures per model as a table under the chart. */
  totals: z.boolean().default(true),
});
