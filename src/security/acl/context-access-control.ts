/** The kernel's ContextAccessControl port, answered with the grants and the path rules of this module. */
import type { ContextAccessControl, Envelope } from '../../kernel/index.js';
import { DRIVER_ID, type Principal } from './acl.js';
import { normalizeContextPath } from './context-path.js';
import type { GrantStore } from './grant-store.js';

const DRIVER_SOURCE = /^\/drivers\/([^/]+)$/;

/**
 * Who acts for an event: its user, plus the driver when a driver emitted it, so grants to
 * `agent:<id>` apply. The kernel's `producer` names that driver whatever `source` it chose (a
 * driver, a skill pack's above all, cannot borrow another agent's grants by naming it); the
 * source `/drivers/<id>` is read only for events without one.
 */
export function principalOf(event: Envelope): Principal {
  const driver = event.producer ?? DRIVER_SOURCE.exec(event.source)?.[1];
  return driver !== undefined && DRIVER_ID.test(driver) ? { userId: event.userid, agentId: driver } : { userId: event.userid };
}

export function createContextAccessControl(grants: GrantStore): ContextAccessControl {
  return {
    normalizePath: (path) => normalizeContextPath(path),
    check: async (event, owner, path, access) => {
      const decision = await grants.check({ principal: principalOf(event), owner, path, access });
      return { allowed: decision.allowed, reason: decision.reason };
    },
  };
}
