/** The kernel's ContextAccessControl port, answered with the grants and the path rules of this module. */
import type { ContextAccessControl, Envelope } from '../../kernel/index.js';
import { DRIVER_ID, type Principal } from './acl.js';
import { normalizeContextPath } from './context-path.js';
import type { GrantStore } from './grant-store.js';

/**
 * Who acts for an event: its user, plus the driver that produced it, so grants to `agent:<id>`
 * apply. The driver is the kernel's `producer`, never `source`: a caller or a driver chooses
 * its source, and a source of `/drivers/<id>` must not borrow what the owner granted that agent.
 */
export function principalOf(event: Envelope): Principal {
  const driver = event.producer;
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
