/**
 * Consent as a request carries it, and the answer when it is missing: the permissions to consent
 * to (in plain words too), their digest, and — for an update — what changed since the grant.
 */
import { z } from 'zod';
import { KernelError } from '../kernel/index.js';
import { describeChanges, describePermissions } from './describe.js';
import type { PackPermissions } from './manifest.js';
import { normalizePermissions, permissionsDifference, permissionsDigest, type PermissionsDifference } from './permissions.js';

/** `{digest}` (as an earlier answer gave it) or `{permissions}` (the whole set, as the manifest declares it). */
export const grantRequestSchema = z.union([
  z.strictObject({ digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 hex digits, as the consent answer gives it') }),
  z.strictObject({ permissions: z.unknown() }),
]);
export type GrantRequest = z.infer<typeof grantRequestSchema>;

/** Whether the request consents to exactly `permissions` (a different set, even a smaller one, is no consent to these). */
export function consentsTo(grant: GrantRequest | undefined, permissions: PackPermissions): boolean {
  if (grant === undefined) return false;
  const digest = permissionsDigest(permissions);
  if ('digest' in grant) return grant.digest === digest;
  let given: PackPermissions;
  try {
    given = normalizePermissions(grant.permissions);
  } catch (error) {
    throw new KernelError('invalid_input', `grant.permissions is not a permissions set: ${(error as Error).message}`, { details: { errors: [{ pointer: '/grant/permissions', reason: 'is not a permissions set' }] } });
  }
  return permissionsDigest(given) === digest;
}

export interface ConsentRequest {
  pack: string;
  version: string;
  description: string;
  scope: 'user' | 'global';
  permissions: PackPermissions;
  digest: string;
  /** The permissions in plain words. */
  summary: string[];
  /** Present for an update of a pack with a grant: what the new version asks for beyond it, and what it drops. */
  difference?: PermissionsDifference & { summary: string[] };
}

export function consentRequest(input: { pack: string; version: string; description: string; scope: 'user' | 'global'; permissions: PackPermissions; granted?: PackPermissions }): ConsentRequest {
  const { granted, ...rest } = input;
  const request: ConsentRequest = { ...rest, digest: permissionsDigest(input.permissions), summary: describePermissions(input.permissions) };
  if (granted !== undefined) {
    const difference = permissionsDifference(granted, input.permissions);
    request.difference = { ...difference, summary: [...describeChanges(difference.added, '+'), ...describeChanges(difference.removed, '-')] };
  }
  return request;
}
