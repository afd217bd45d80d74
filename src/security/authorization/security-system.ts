/**
 * The security stage's parts, built over one state store: the same wiring for the embedded
 * default and for Azure (the shared core, src/wiring/core.ts, calls this).
 */
import type { CacheGeneration, Clock, Logger, StateStore } from '../../kernel/index.js';
import { GrantStore } from '../acl/index.js';
import type { PackGrants } from '../packs/index.js';
import { DEFAULT_POLICIES, type Policy } from '../policy/index.js';
import { DelayedEvents, UsageCounters } from '../usage/index.js';
import { ApprovalStore } from './approval-store.js';
import { PolicyAuthorizer } from './policy-authorizer.js';
import { PolicyRepository } from './policy-repository.js';

export interface SecuritySystem {
  policies: PolicyRepository;
  approvals: ApprovalStore;
  grants: GrantStore;
  usage: UsageCounters;
  /** Each user's throttled events not yet run (the ingress bound). */
  delayed: DelayedEvents;
  authorizer: PolicyAuthorizer;
}

export interface SecurityOptions {
  /** See PolicyRepositoryOptions.cacheMs. */
  policyCacheMs?: number;
  /** See PolicyRepositoryOptions.generation. */
  cacheGeneration?: CacheGeneration;
  /** See UsageCountersOptions.flushMs (default 250 ms; 0 writes every count through). */
  usageFlushMs?: number;
  /** See DelayedEventsOptions.cacheMs (default 250 ms; 0 reads the store on every request). */
  delayedCacheMs?: number;
  /** Skill packs' drivers and grants, enforced on their events (none: no pack is installed). */
  packs?: PackGrants;
}

export function createSecuritySystem(state: StateStore, clock: Clock, logger: Logger, options: SecurityOptions = {}): SecuritySystem {
  const { packs } = options;
  const policies = new PolicyRepository(state, clock, {
    ...(options.policyCacheMs !== undefined && { cacheMs: options.policyCacheMs }),
    ...(options.cacheGeneration !== undefined && { generation: options.cacheGeneration }),
  });
  const approvals = new ApprovalStore(state);
  const grants = new GrantStore(state);
  const usage = new UsageCounters(state, {
    flushMs: options.usageFlushMs ?? 250,
    onFlushError: (error) => logger.warn({ err: error }, 'could not write usage counters; kept for the next flush'),
    ...(packs !== undefined && { packOf: async (driverId: string) => (await packs.directory()).drivers.get(driverId)?.pack }),
  });
  const authorizer = new PolicyAuthorizer({ policies, usage, approvals, grants, clock, logger, ...(packs !== undefined && { packs }) });
  return { policies, approvals, grants, usage, delayed: new DelayedEvents(state, { cacheMs: options.delayedCacheMs ?? 250 }), authorizer };
}

/**
 * The global policies at start-up. With a policy file configured, the file is the global set
 * (policy as code: what is deployed is what applies; a change made through the API lasts until
 * the next start), plus the policies globally granted skill packs put there: `packPolicies`
 * (policy id -> pack) names them, and they stay in force, as stored, until their pack is removed.
 * A file policy with the id of a pack's policy stops the start naming both (neither may silently
 * replace the other). Without a file, the defaults are stored when no global set exists yet, and
 * from then on the global set is managed through `PUT /api/policies?scope=global`.
 */
export async function installGlobalPolicies(system: SecuritySystem, fromFile: readonly Policy[] | undefined, logger: Logger, packPolicies: ReadonlyMap<string, string> = new Map()): Promise<void> {
  if (fromFile !== undefined) {
    const clash = fromFile.find((policy) => packPolicies.has(policy.id));
    if (clash !== undefined) throw new Error(`VEXTIR_POLICY_FILE: the policy "${clash.id}" has the id of a policy of the globally installed skill pack "${packPolicies.get(clash.id)}"; rename it in the file`);
    const current = await system.policies.read({ kind: 'global' });
    const kept = current.policies.filter((policy) => packPolicies.has(policy.id));
    const missing = [...packPolicies.keys()].filter((id) => !kept.some((policy) => policy.id === id));
    if (missing.length > 0) logger.warn({ policies: missing }, 'policies of globally installed skill packs are missing from the global set; add the packs again to restore them');
    const next = [...fromFile, ...kept];
    if (JSON.stringify(current.policies) !== JSON.stringify(next)) {
      await system.policies.replace({ kind: 'global' }, next, current.etag);
      logger.info({ policies: fromFile.map((policy) => policy.id), packs: Object.fromEntries(kept.map((policy) => [policy.id, packPolicies.get(policy.id)])) }, 'global policies replaced by the policy file; the skill packs\' global policies kept');
    }
    return;
  }
  if (await system.policies.seedGlobal(DEFAULT_POLICIES)) logger.info({ policies: DEFAULT_POLICIES.map((policy) => policy.id) }, 'default global policies installed');
}

