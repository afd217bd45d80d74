/**
 * The authorizer the kernel starts with: it allows every event, and says so in every decision
 * (`authorizer: "allow-all"`), so nobody mistakes it for a policy check. The policy engine
 * replaces it.
 *
 * Its decision is the same for every event, so it is sealed once (kernel/sealed-decision.ts):
 * handed out fresh, it was parsed and written as canonical JSON again for every event's audit
 * entry, about 4 µs an event that the policy engine's kept decisions never paid.
 */
import { sealDecision, type Authorizer } from '../kernel/index.js';

const ALLOW_ALL_DECISION = sealDecision({ allowed: true, authorizer: 'allow-all', reason: 'no policy engine configured: every event is allowed', policies: [] });

export const allowAllAuthorizer: Authorizer = {
  name: 'allow-all',
  async authorize() {
    return { decision: ALLOW_ALL_DECISION };
  },
};
