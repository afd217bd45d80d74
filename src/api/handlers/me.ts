/**
 * GET /api/me: who the verified token says the caller is, and whether it holds the admin role,
 * so a client (the /apps/system dashboard) can decide which views to offer. It only reports:
 * every admin-only endpoint checks the role itself.
 */
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

export interface MeView {
  userId: string;
  admin: boolean;
}

export async function getMe({ identity }: AuthenticatedContext): Promise<ApiResponse> {
  const view: MeView = { userId: identity.userId, admin: identity.admin };
  return json(200, view);
}
