/**
 * Whose partition a read goes to. Every store is partitioned by user, and the partition comes
 * from the verified identity; `?user=<id>` names another one, which only an admin may read.
 */
import { KernelError, userIdSchema } from '../kernel/index.js';
import type { Identity } from '../security/index.js';

/** The `user` query parameter: a user id, validated like the envelope's. */
export const userParam = userIdSchema;

/**
 * The caller's own id unless `asked` names someone else; then the caller must be an admin
 * (403 `forbidden` otherwise). Asking for one's own id is always allowed, so a client can pass
 * `user` without first knowing whether its caller is an admin. `what` words the refusal.
 */
export function readableUser(identity: Identity, asked: string | undefined, what: string): string {
  if (asked === undefined || asked === identity.userId) return identity.userId;
  if (!identity.admin) throw new KernelError('forbidden', `only an admin may read another user's ${what}`);
  return asked;
}
