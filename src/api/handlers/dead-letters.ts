/**
 * GET /api/admin/dead-letters and POST /api/admin/dead-letters/{messageId}/replay: the messages
 * the bus gave up on (bodies that are not valid events, messages whose processing kept crashing),
 * and putting one back for a fresh round of deliveries once its cause is fixed. Admin only: the
 * bodies belong to any user. Every replay is audited.
 */
import { z } from 'zod';
import { recordAdminChange } from '../audit-trail.js';
import { requireAdmin } from '../auth.js';
import { MAX_LIST_LIMIT, parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import { invalidInput } from '../validation.js';
import type { AuthenticatedContext } from './context.js';

const listSchema = z.strictObject({
  limit: wholeNumberParam(1, MAX_LIST_LIMIT).default(100),
});

/** Service Bus message ids are at most 128 characters; the embedded queue's are shorter. */
const messageIdSchema = z.string().min(1).max(128, 'must be at most 128 characters');

export async function listDeadLetters({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  requireAdmin(identity);
  const { limit } = parseQuery(request.url, listSchema);
  return json(200, { deadLetters: await services.deadLetters.list(limit) });
}

export async function replayDeadLetter({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  requireAdmin(identity);
  const id = messageIdSchema.safeParse(params['messageId']);
  if (!id.success) throw invalidInput('the message id', [{ field: 'messageId', reason: id.error.issues[0]?.message ?? 'is invalid' }]);
  await services.deadLetters.replay(id.data);
  await recordAdminChange(services, identity.userId, { action: 'dead_letter.replay', target: id.data, reason: 'put back on the queue for a fresh round of deliveries', by: identity.userId });
  return json(202, { replayed: id.data });
}
