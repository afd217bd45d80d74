/**
 * Access control on context paths. A path belongs to its owner (the user whose partition it
 * lives in); the owner may grant read or write on a path to another user or to an agent (a
 * driver, by driver id). A grant on a folder covers everything below it, never a sibling that
 * merely shares a name prefix ("/A" covers "/A/B", not "/AB").
 *
 * The decision is a pure function of the request and the grants, so it can be tested without a
 * store and explained in the audit log (`reason`).
 *
 * Agent grants are keyed by driver id alone: a grant to `agent:publisher` lets that driver
 * reach the path whichever user's event it is handling. A principal is covered by a grant to
 * its user OR to its agent; confining what an owner's own agents may do is the policy engine's
 * job (restrictions), not the ACL's.
 */
import { z } from 'zod';
import { DRIVER_ID, KernelError, USER_ID, userIdSchema } from '../../kernel/index.js';
import { contextPathSchema, isWithin, normalizeContextPath } from './context-path.js';

export type Access = 'read' | 'write';
export const accessSchema = z.enum(['read', 'write']);

/** Same rule as a driver manifest's `id`. */
export { DRIVER_ID };

export type Grantee = `user:${string}` | `agent:${string}`;

/** Why `value` is not a grantee string, or undefined when it is one. */
export function granteeProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'a grantee must be a string';
  if (value.startsWith('user:')) {
    return USER_ID.test(value.slice(5)) ? undefined : `grantee "${value}": a user id is 1-128 letters, digits and ._@-`;
  }
  if (value.startsWith('agent:')) {
    return DRIVER_ID.test(value.slice(6)) ? undefined : `grantee "${value}": a driver id is lower-case letters, digits, "_" or "-", starting with a letter`;
  }
  return `grantee "${value}" must be "user:<user id>" or "agent:<driver id>"`;
}

export const granteeSchema = z.custom<Grantee>((value) => granteeProblem(value) === undefined, {
  error: (issue) => granteeProblem(issue.input) ?? 'invalid grantee',
});

/** A stored grant: `grantee` may `access` `path` (and everything below it) of the owner. */
export const grantSchema = z.strictObject({
  path: contextPathSchema,
  grantee: granteeSchema,
  access: accessSchema,
  /** The user who made the grant (the owner, or an admin acting for them). */
  grantedBy: userIdSchema,
  grantedAt: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' }),
});
export type Grant = z.infer<typeof grantSchema>;

export interface Principal {
  userId: string;
  /** Set when a driver acts (the event came from /drivers/<id>). */
  agentId?: string;
}

export interface AccessRequest {
  principal: Principal;
  /** The user whose context the path belongs to. */
  owner: string;
  path: string;
  access: Access;
}

export interface AccessDecision {
  allowed: boolean;
  /** For logs and the audit trail; never branch on it. */
  reason: string;
  /** The grant that allowed the access (absent for the owner and for denials). */
  grant?: Grant;
}

/** The grantee strings a principal answers to: its user, and its agent when a driver acts. */
export function granteesOf(principal: Principal): Grantee[] {
  if (!USER_ID.test(principal.userId)) throw new KernelError('invalid_input', 'the principal has no valid user id');
  const grantees: Grantee[] = [`user:${principal.userId}`];
  if (principal.agentId !== undefined) {
    if (!DRIVER_ID.test(principal.agentId)) throw new KernelError('invalid_input', `"${principal.agentId}" is not a valid driver id`);
    grantees.push(`agent:${principal.agentId}`);
  }
  return grantees;
}

/**
 * The owner always has full access to their own paths. Anyone else needs a grant on the path
 * or an ancestor folder, to `user:<principal.userId>` or `agent:<principal.agentId>`, whose
 * access covers the request (write implies read). The request path is normalized first (a
 * malformed one is KernelError `invalid_input`), so a non-canonical spelling cannot slip past
 * the folder comparison. Grants for other grantees or other folders are ignored.
 */
export function checkAccess(request: AccessRequest, grants: readonly Grant[]): AccessDecision {
  const path = normalizeContextPath(request.path);
  const grantees = granteesOf(request.principal);
  if (request.principal.userId === request.owner) return { allowed: true, reason: `owner of ${path}` };

  let readOnly: Grant | undefined;
  for (const grant of grants) {
    if (!grantees.includes(grant.grantee) || !isWithin(path, grant.path)) continue;
    if (covers(grant.access, request.access)) {
      return { allowed: true, reason: `${grant.access} granted on ${grant.path} to ${grant.grantee} by ${grant.grantedBy}`, grant };
    }
    readOnly ??= grant;
  }
  const who = grantees.join(' or ');
  if (readOnly) {
    return { allowed: false, reason: `only read is granted on ${readOnly.path} to ${readOnly.grantee}; ${request.access} on ${path} needs a write grant` };
  }
  return { allowed: false, reason: `no grant gives ${who} ${request.access} access to ${path} of ${request.owner}` };
}

function covers(granted: Access, requested: Access): boolean {
  return granted === 'write' || requested === 'read';
}
