/**
 * GET /api/usage: the caller's counters as the policies see them (`usage.*` in conditions), and
 * `models`: tokens, calls and cost per model today, this month and per day of this month.
 */
import { z } from 'zod';
import { KernelError, USER_ID } from '../../kernel/index.js';
import { parseQuery } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

const querySchema = z.strictObject({ user: z.string().regex(USER_ID, 'must be a user id').optional() });

export async function getUsage({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { user } = parseQuery(request.url, querySchema);
  if (user !== undefined && user !== identity.userId && !identity.admin) throw new KernelError('forbidden', "only an admin may read another user's usage");
  const userId = user ?? identity.userId;
  const now = services.clock.now();
  const [usage, models] = await Promise.all([services.security.usage.snapshot(userId, now), services.security.usage.modelUsage(userId, now)]);
  return json(200, { user: userId, at: now.toISOString(), usage, models });
}
