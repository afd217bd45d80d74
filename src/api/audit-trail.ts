/**
 * The API's own audit entries: changes to the rules (`admin`) and refused requests (`access`).
 * Processing decisions are audited by the processor; together they make every decision
 * explainable afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { ApiRequest, ApiServices } from './types.js';

/** Chain for refusals that have no verified user (no token, a bad token). */
export const ANONYMOUS_AUDIT_USER = 'anonymous';

export async function recordAdminChange(
  services: ApiServices,
  userId: string,
  change: { action: string; target: string; reason: string; by: string },
): Promise<void> {
  await services.audit.append([
    { userId, id: randomUUID(), at: services.clock.now().toISOString(), kind: 'admin', action: change.action, target: change.target, reason: `${change.reason} (by ${change.by})` },
  ]);
}

/**
 * Records a refused request. Best effort: the refusal stands whether or not the entry could be
 * written (an audit outage must not turn a 401 into a 500), and the failure is logged.
 */
export async function recordRefusal(services: ApiServices, request: ApiRequest, userId: string | undefined, status: number, code: string, reason: string): Promise<void> {
  try {
    await services.audit.append([
      {
        userId: userId ?? ANONYMOUS_AUDIT_USER,
        id: randomUUID(),
        at: services.clock.now().toISOString(),
        kind: 'access',
        action: 'http.request',
        target: request.url.pathname,
        request: { method: request.method, path: request.url.pathname, status },
        reason: `${code}: ${reason}`.slice(0, 1000),
      },
    ]);
  } catch (error) {
    services.logger.error({ err: error, path: request.url.pathname, status }, 'could not audit a refused request');
  }
}

/**
 * Records, in the owner's chain, that another user reached their context through a grant: the
 * owner can always see who read or wrote their documents, and by which grant.
 */
export async function recordGrantedAccess(
  services: ApiServices,
  request: ApiRequest,
  access: { owner: string; by: string; path: string; mode: 'read' | 'write'; grantPath: string | undefined },
): Promise<void> {
  await services.audit.append([
    {
      userId: access.owner,
      id: randomUUID(),
      at: services.clock.now().toISOString(),
      kind: 'access',
      action: `context.${access.mode}`,
      target: access.path,
      reason: `${access.by} (${request.method} ${request.url.pathname}) through the grant on ${access.grantPath ?? 'a folder above'}`,
    },
  ]);
}
