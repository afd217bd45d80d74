/**
 * The list of a user's runs, newest first: an index item per run (kind `agent-run-recent`) whose
 * key sorts in that order, since the StateStore lists keys in ascending order only. The key is
 * the run's creation instant inverted (MAX_INSTANT_MS - ms, zero-padded to 16 digits) and its id.
 * The item is written before the run, so a run that exists is listed; an item whose run was never
 * written (a crash in between) or belongs to another attempt's instant is skipped when listed.
 * Runs created before this index existed have no item and are not listed (GET /api/agents/runs/{id}
 * still shows them).
 */
import type { Run } from './run-state.js';

export const RUN_INDEX_KIND = 'agent-run-recent';
/** The largest instant a Date holds: every inverted key has 16 digits. */
const MAX_INSTANT_MS = 8_640_000_000_000_000;

export function runIndexKey(createdAt: string, runId: string): string {
  return `${String(MAX_INSTANT_MS - Date.parse(createdAt)).padStart(16, '0')}:${runId}`;
}

/** A run as the list shows it: no messages, no outbox, one line per run. */
export interface RunSummary {
  id: string;
  agent: string;
  status: Run['status'];
  trigger: Run['trigger'];
  startedAt: string;
  updatedAt: string;
  steps: number;
  /** Input plus output tokens over every step. */
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The model that answered the latest step that has one. */
  model?: string;
  error?: NonNullable<Run['error']>;
}

export function summarizeRun(run: Run): RunSummary {
  const model = run.steps.findLast((step) => step.model !== undefined)?.model;
  const { inputTokens, outputTokens, costUsd } = run.totals;
  return {
    id: run.id,
    agent: run.agent.id,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.createdAt,
    updatedAt: run.updatedAt,
    steps: run.steps.length,
    tokens: inputTokens + outputTokens,
    inputTokens,
    outputTokens,
    costUsd,
    ...(model !== undefined && { model }),
    ...(run.error !== undefined && { error: run.error }),
  };
}
