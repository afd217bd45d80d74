/**
 * The ACL stage for `context.*` events: which context path an event touches, whose it is, and
 * whether the acting principal may read or write it. Runs before the policies, so that a policy
 * sees the normalized path (`context.path`) and an event that may not touch a path never gets
 * as far as a driver.
 *
 * - The path is `data.path`; a move also touches `data.to`. Both are normalized, and an
 *   invalid path (traversal, encoded tricks, Unicode look-alikes) denies the event.
 * - The owner is `data.owner` when given (another user's documents), else the event's user.
 * - The principal is the event's user, plus the driver when a driver emitted the event
 *   (source `/drivers/<id>`), so grants to `agent:<id>` apply to what that agent asks for.
 */
import { isKernelError, type Envelope } from '../../kernel/index.js';
import { DRIVER_ID, normalizeContextPath, type Access, type GrantStore, type Principal } from '../acl/index.js';

const WRITES: ReadonlySet<string> = new Set(['context.write', 'context.delete', 'context.move', 'context.put', 'context.restore']);
const DRIVER_SOURCE = /^\/drivers\/([^/]+)$/;

export type ContextAccess =
  | { kind: 'none' }
  /** `grantPath`: set when another user's path was reached through a grant on this folder. */
  | { kind: 'allowed'; path: string; owner: string; access: Access; grantPath?: string }
  | { kind: 'denied'; reason: string; path?: string };

export async function checkContextAccess(event: Envelope, grants: GrantStore): Promise<ContextAccess> {
  if (!event.type.startsWith('context.')) return { kind: 'none' };
  const data = event.data !== null && typeof event.data === 'object' && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : {};
  if (data['path'] === undefined) return { kind: 'none' };
  const paths: string[] = [];
  for (const field of ['path', 'to'] as const) {
    const raw = data[field];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') return { kind: 'denied', reason: `data.${field} must be a string context path` };
    try {
      paths.push(normalizeContextPath(raw));
    } catch (error) {
      if (isKernelError(error, 'invalid_input')) return { kind: 'denied', reason: `data.${field}: ${error.message}` };
      throw error;
    }
  }
  const owner = typeof data['owner'] === 'string' ? data['owner'] : event.userid;
  const access: Access = WRITES.has(event.type) ? 'write' : 'read';
  const principal = principalOf(event);
  let grantPath: string | undefined;
  for (const path of paths) {
    const decision = await grants.check({ principal, owner, path, access });
    if (!decision.allowed) return { kind: 'denied', reason: decision.reason, path };
    grantPath ??= decision.grant?.path;
  }
  const allowed: ContextAccess = { kind: 'allowed', path: paths[0] ?? '/', owner, access };
  if (grantPath !== undefined) allowed.grantPath = grantPath;
  return allowed;
}

function principalOf(event: Envelope): Principal {
  const driver = DRIVER_SOURCE.exec(event.source)?.[1];
  return driver !== undefined && DRIVER_ID.test(driver) ? { userId: event.userid, agentId: driver } : { userId: event.userid };
}
