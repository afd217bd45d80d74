/**
 * The security stage as the kernel bench runs it: the policy engine over an in-memory state
 * store, seeded with the default policies (or some of them), their rate limits raised out of
 * the way, since the bench's eight users each send far more than 600 events a minute.
 */
import pino from 'pino';
import { MemoryStateStore } from '../src/adapters/memory/index.js';
import { systemClock } from '../src/kernel/index.js';
import { createSecuritySystem, DEFAULT_POLICIES, type PackGrants, type Policy, type SecuritySystem } from '../src/security/index.js';

const logger = pino({ level: 'silent' });

export interface BenchSecurityOptions {
  /** Skill packs' drivers and grants (none by default). */
  packs?: PackGrants;
  /** Which of the default policies to seed (all by default). */
  keep?: (policy: Policy) => boolean;
}

export async function benchSecurity(options: BenchSecurityOptions = {}): Promise<SecuritySystem> {
  const { packs, keep = () => true } = options;
  const system = createSecuritySystem(new MemoryStateStore(), systemClock, logger, packs === undefined ? {} : { packs });
  const policies = DEFAULT_POLICIES.filter(keep).map((policy) => (policy.id.startsWith('rate-limit') ? { ...policy, condition: policy.condition.replace(/> \d+$/, '> 1000000000') } : policy));
  await system.policies.seedGlobal(policies);
  return system;
}
