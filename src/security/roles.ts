/** Roles as tokens carry them, and the one rule that turns them into an Identity. */
import type { Identity } from './identity.js';

/** The app role that makes a caller an admin unless VEXTIR_ADMIN_ROLE names another. */
export const DEFAULT_ADMIN_ROLE = 'Vextir.Admin';

/** The string members of a `roles` claim; anything else (absent, a string, numbers) carries no role. */
export function rolesFromClaim(claim: unknown): string[] {
  return Array.isArray(claim) ? claim.filter((role): role is string => typeof role === 'string') : [];
}

/**
 * Frozen, so a handler cannot widen the identity a cache hands to the next request with the
 * same token. Role names compare exactly, as Entra issues them (app role values are case-sensitive).
 */
export function makeIdentity(userId: string, roles: readonly string[], adminRole: string): Identity {
  return Object.freeze({ userId, roles: Object.freeze([...roles]), admin: roles.includes(adminRole) });
}
