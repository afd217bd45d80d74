/**
 * GET /api/agents/runs/{id}: one of the caller's agent runs, step by step: which model answered
 * and why, tokens, cost and latency, each tool call with its arguments, result or error, and the
 * policy decision on the event the call became (or on the model request), read from that event's
 * record, so what the run shows is what the policy engine decided.
 */
import { z } from 'zod';
import { KernelError, type Decision } from '../../kernel/index.js';
import { json } from '../responses.js';
import type { AgentRunView, ApiResponse } from '../types.js';
import { invalidInput } from '../validation.js';
import type { AuthenticatedContext } from './context.js';

const runIdSchema = z.string().regex(/^run_[A-Za-z0-9_-]{1,64}$/, 'must be a run id such as "run_..."');

export async function getAgentRun({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = runIdSchema.safeParse(params['id']);
  if (!id.success) throw invalidInput('the run id', [{ field: 'id', reason: id.error.issues[0]?.message ?? 'is invalid' }]);
  const run = await services.agentRuns.get(identity.userId, id.data);
  if (!run) throw new KernelError('not_found', `no agent run "${id.data}" was found`);
  const decisions = await decisionsOf(services.store, identity.userId, run);
  return json(200, {
    ...run,
    steps: run.steps.map((step) => ({
      ...step,
      record: decisions.get(step.requestId),
      toolCalls: step.toolCalls.map((call) => ({ ...call, ...(call.eventId !== undefined && { record: decisions.get(call.eventId) }) })),
    })),
  });
}

/** What the run shows of an event's record: where it stands, and what the authorizer decided. */
interface RecordedDecision {
  status: string;
  decision?: Pick<Decision, 'allowed' | 'verdict' | 'reason' | 'authorizer'>;
}

/** The record of each of the run's events (undefined while not yet processed). */
async function decisionsOf(store: AuthenticatedContext['services']['store'], userId: string, run: AgentRunView): Promise<Map<string, RecordedDecision | undefined>> {
  const ids = run.steps.flatMap((step) => [step.requestId, ...step.toolCalls.flatMap((call) => (call.eventId === undefined ? [] : [call.eventId]))]);
  const records = await Promise.all(ids.map((eventId) => store.get(userId, eventId)));
  const decisions = new Map<string, RecordedDecision | undefined>();
  ids.forEach((eventId, index) => {
    const record = records[index];
    if (!record) return decisions.set(eventId, undefined);
    const { decision } = record;
    const shown: RecordedDecision = { status: record.status };
    if (decision) shown.decision = { allowed: decision.allowed, reason: decision.reason, authorizer: decision.authorizer, ...(decision.verdict !== undefined && { verdict: decision.verdict }) };
    decisions.set(eventId, shown);
  });
  return decisions;
}
