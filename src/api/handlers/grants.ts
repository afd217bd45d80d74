/**
 * GET|PUT|DELETE /api/grants: who else may read or write the caller's context paths. A grant
 * on a folder covers everything below it; `user:<id>` grants go to another user, `agent:<id>`
 * grants to a driver (whoever it acts for). Only the owner manages their grants.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { grantRequestSchema, granteeSchema, normalizeContextPath } from '../../security/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { readJsonBody } from '../json-body.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

const listSchema = z.strictObject({
  path: z.string().optional(),
  limit: wholeNumberParam(1, 1000).default(100),
});
const revokeSchema = z.strictObject({ path: z.string(), grantee: granteeSchema });

export async function listGrants({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listSchema);
  const pathPrefix = query.path === undefined ? undefined : validPath(query.path);
  const grants = await services.security.grants.list(identity.userId, { limit: query.limit, ...(pathPrefix !== undefined && { pathPrefix }) });
  return json(200, { grants });
}

export async function putGrant({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const body = await readJsonBody(request, 16 * 1024, grantRequestSchema, 'the grant');
  // Checked here too (the store normalizes again) so that a bad path is a 400 naming `/path`, as elsewhere.
  const path = validPath(body.path, { pointer: '/path' });
  const grant = await services.security.grants.grant(identity.userId, { ...body, path }, identity.userId, services.clock.now());
  await recordAdminChange(services, identity.userId, { action: 'grant.put', target: `${grant.path} ${grant.grantee}`, reason: `${grant.access} access`, by: identity.userId });
  return json(200, { grant });
}

export async function deleteGrant({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, revokeSchema);
  const path = validPath(query.path);
  const removed = await services.security.grants.revoke(identity.userId, path, query.grantee);
  if (!removed) throw new KernelError('not_found', `there is no grant on ${path} to ${query.grantee}`);
  await recordAdminChange(services, identity.userId, { action: 'grant.delete', target: `${path} ${query.grantee}`, reason: 'revoked', by: identity.userId });
  return { status: 204, headers: {} };
}

/** `where`: the query parameter (`field`) or the body member (`pointer`) the path came in. */
function validPath(raw: string, where: { field: string } | { pointer: string } = { field: 'path' }): string {
  try {
    return normalizeContextPath(raw);
  } catch (error) {
    if (error instanceof KernelError) throw new KernelError('invalid_input', error.message, { details: { errors: [{ ...where, reason: error.message }] } });
    throw error;
  }
}
