/**
 * The authorizer the kernel starts with: it allows every event, and says so in every decision
 * (`authorizer: "allow-all"`), so nobody mistakes it for a policy check. The policy engine
 * replaces it.
 */
import type { Authorizer } from '../kernel/index.js';

export const allowAllAuthorizer: Authorizer = {
  name: 'allow-all',
  async authorize() {
    return { decision: { allowed: true, authorizer: 'allow-all', reason: 'no policy engine configured: every event is allowed', policies: [] } };
  },
};
