/**
 * GET /api/agents/runs/{id}: one of the caller's agent runs, step by step: which model answered
 * and why, tokens, cost and latency, each tool call with its arguments, result or error, and the
 * policy decision on the event the call became (or on the model request), read from that event's
 * record, so what the run shows is what the policy engine decided. `?user=`: an admin reads
 * another user's run.
 */
import { z } from 'zod';
import { KernelError, type Decision } from '../../kernel/index.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import { readableUser, userParam } from '../target-user.js';
import type { AgentRunView, ApiResponse } from '../types.js';
import { invalidInput } from '../validation.js';
import type { AuthenticatedContext } from './context.js';

const runIdSchema = z.string().regex(/^run_[A-Za-z0-9_-]{1,64}$/, 'must be a run id such as "run_..."');

const runQuerySchema = z.strictObject({ user: userParam.optional() });
const listQuerySchema = z.strictObject({
  limit: wholeNumberParam(1, 100).default(20),
  // The run index's key (src/drivers/agent-runtime/run-index.ts), opaque to clients.
  cursor: z.string().regex(/^\d{16}:run_[A-Za-z0-9_-]{1,64}$/, 'must be a cursor this endpoint handed out').optional(),
  user: userParam.optional(),
});

/**
 * GET /api/agents/runs: a user's runs, newest first, one line each (agent, status, steps, tokens,
 * cost, the last model), a page at a time. Runs started before the run index existed are not
 * listed (see run-index.ts); `?user=` reads another user's (admins only).
 */
export async function listAgentRuns({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listQuerySchema);
  const userId = readableUser(identity, query.user, 'agent runs');
  const page = await services.agentRuns.list(userId, { limit: query.limit, ...(query.cursor !== undefined && { after: query.cursor }) });
  return json(200, page);
}

export async function getAgentRun({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = runIdSchema.safeParse(params['id']);
  if (!id.success) throw invalidInput('the run id', [{ field: 'id', reason: id.error.issues[0]?.message ?? 'is invalid' }]);
  const userId = readableUser(identity, parseQuery(request.url, runQuerySchema).user, 'agent runs');
  const run = await services.agentRuns.get(userId, id.data);
  if (!run) throw new KernelError('not_found', `no agent run "${id.data}" was found`);
  const decisions = await decisionsOf(services.store, userId, run);
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
