/**
 * GET /api/approvals and POST /api/approvals/{id}: the human side of `require_approval`
 * policies. A parked event waits (status `awaiting_approval`) until its owner — or an admin,
 * with `?user=` — approves it (it is put back on the bus and runs) or rejects it (denied).
 */
import { z } from 'zod';
import { KernelError, USER_ID } from '../../kernel/index.js';
import { approvalStatusSchema, type Approval } from '../../security/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { readJsonBody } from '../json-body.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

const listSchema = z.strictObject({
  status: approvalStatusSchema.default('pending'),
  user: z.string().regex(USER_ID, 'must be a user id').optional(),
  limit: wholeNumberParam(1, 1000).default(100),
});
const targetSchema = z.strictObject({ user: z.string().regex(USER_ID, 'must be a user id').optional() });
const decisionBodySchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});

export async function listApprovals({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listSchema);
  const userId = targetUser(query.user, identity);
  const approvals = await services.security.approvals.list(userId, query.status, query.limit);
  return json(200, { approvals });
}

export async function decideApproval({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const userId = targetUser(parseQuery(request.url, targetSchema).user, identity);
  const id = params['id'] ?? '';
  const body = await readJsonBody(request, 16 * 1024, decisionBodySchema, 'the approval decision');
  const status = body.decision === 'approve' ? 'approved' : 'rejected';
  const now = services.clock.now();
  const approval = await services.security.approvals.decide(userId, id, {
    status,
    by: identity.userId,
    at: now,
    ...(body.comment !== undefined && { comment: body.comment }),
  });
  await recordAdminChange(services, userId, { action: `approval.${body.decision}`, target: id, reason: body.comment ?? status, by: identity.userId });
  const released = await release(services, userId, approval);
  return json(200, { approval, released });
}

/**
 * Puts the parked event back on the bus under the approval's name (see PublishOptions.release):
 * the authorizer now finds the decision and runs or denies it. When the event is not parked yet
 * (its processing has not been recorded), its redelivery will find the decision by itself.
 */
async function release(services: AuthenticatedContext['services'], userId: string, approval: Approval): Promise<boolean> {
  const record = await services.store.get(userId, approval.eventId);
  if (record?.status !== 'awaiting_approval') return false;
  await services.bus.publish([record.event], { release: approval.id });
  return true;
}

/** The caller's own approvals, or — for an admin — another user's. */
function targetUser(user: string | undefined, identity: AuthenticatedContext['identity']): string {
  if (user === undefined || user === identity.userId) return identity.userId;
  if (!identity.admin) throw new KernelError('forbidden', 'only an admin may act on another user\'s approvals');
  return user;
}
