/**
 * /api/plans: the caller's plan runs. A plan shows its status and progress and a page of its
 * nodes (status, attempts, input as written and as resolved, output or its reference, timing);
 * a list filters by status and instruction, newest first. Cancel stops a running plan; retry reruns a failed one's failed steps.
 */
import { z } from 'zod';
import { planStatusSchema } from '../../plans/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import { readableUser, userParam } from '../target-user.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

const listQuery = z.strictObject({
  status: planStatusSchema.optional(),
  instruction: z.string().max(64).optional(),
  limit: wholeNumberParam(1, 500).default(50),
  cursor: z.string().max(200).optional(),
  user: userParam.optional(),
});
const planQuery = z.strictObject({ nodes_after: wholeNumberParam(0, 1_000_000).optional(), limit: wholeNumberParam(1, 10_000).default(1000), user: userParam.optional() });

/** `?user=` (admins only) reads another user's plans; changing them stays the owner's. */
export async function listPlans({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listQuery);
  const userId = readableUser(identity, query.user, 'plans');
  return json(200, await services.plans.list(userId, { limit: query.limit, ...(query.status !== undefined && { status: query.status }), ...(query.instruction !== undefined && { instruction: query.instruction }), ...(query.cursor !== undefined && { cursor: query.cursor }) }));
}

export async function getPlan({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, planQuery);
  const userId = readableUser(identity, query.user, 'plans');
  return json(200, await services.plans.get(userId, params['id'] ?? '', { limit: query.limit, ...(query.nodes_after !== undefined && { after: query.nodes_after }) }));
}

export async function cancelPlan({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const plan = await services.plans.cancel(identity.userId, id);
  await recordAdminChange(services, identity.userId, { action: 'plan.cancel', target: id, reason: `now ${String(plan['status'])}`, by: identity.userId });
  return json(200, plan);
}

export async function retryPlan({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const plan = await services.plans.retry(identity.userId, id);
  await recordAdminChange(services, identity.userId, { action: 'plan.retry', target: id, reason: `now ${String(plan['status'])}`, by: identity.userId });
  return json(200, plan);
}
