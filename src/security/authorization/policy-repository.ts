/**
 * Where policies live: the global set (partition `_global`) and one set per user, each one
 * state item (kind `policies`, key `set`) holding `{ policies: [...] }`, replaced as a whole
 * with an ETag. Reads on the hot path (every event) come from a short-lived cache, so that a
 * change made through another instance takes effect within `cacheMs`; a change made through
 * this instance (any of its threads sharing the `generation`) takes effect at once.
 */
import { z } from 'zod';
import { type CacheGeneration, type Clock, GLOBAL_PARTITION, isKernelError, KernelError, localCacheGeneration, type StateItem, type StateStore } from '../../kernel/index.js';
import { compilePolicies, policySchema, type CompiledPolicySet, type Policy, type PolicyEntry, type PolicyLimits } from '../policy/index.js';

const KIND = 'policies';
const KEY = 'set';
const storedSchema = z.object({ policies: z.array(policySchema) });

export type PolicyScope = { kind: 'global' } | { kind: 'user'; userId: string };

export interface StoredPolicies {
  policies: Policy[];
  /** Absent while nothing was ever stored for the scope. */
  etag: string | undefined;
}

export interface PolicyRepositoryOptions {
  /** How long a compiled set is reused before the store is read again (default 2 s). */
  cacheMs?: number;
  /** Users whose compiled sets are kept (least recently loaded dropped first; default 10,000). */
  maxCachedUsers?: number;
  limits?: Partial<PolicyLimits>;
  /** Advanced on every change made here; a cached set from an older generation is read again. */
  generation?: CacheGeneration;
}

interface Cached<T> {
  value: T;
  loadedAt: number;
  /** The generation when loading began: a change committed while it loaded makes it stale. */
  generation: number;
}

export class PolicyRepository {
  readonly #cacheMs: number;
  readonly #maxUsers: number;
  readonly #generation: CacheGeneration;
  #global: Cached<Policy[]> | undefined;
  readonly #users = new Map<string, Cached<CompiledPolicySet>>();

  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly options: PolicyRepositoryOptions = {},
  ) {
    this.#cacheMs = options.cacheMs ?? 2000;
    this.#maxUsers = options.maxCachedUsers ?? 10_000;
    this.#generation = options.generation ?? localCacheGeneration();
  }

  async read(scope: PolicyScope): Promise<StoredPolicies> {
    const item = await this.state.get(partitionOf(scope), KIND, KEY);
    return item === undefined ? { policies: [], etag: undefined } : { policies: parse(item), etag: item.etag };
  }

  /**
   * Validates (every condition compiles within the limits) and stores a whole set. `ifMatch`:
   * only if nobody changed it since it was read (`*`-less create when there is none yet).
   */
  async replace(scope: PolicyScope, policies: readonly Policy[], ifMatch: string | undefined): Promise<StoredPolicies> {
    this.validate(scope, policies);
    const item = await this.state.put(partitionOf(scope), KIND, KEY, { policies }, ifMatch === undefined ? {} : { ifMatch });
    this.#invalidate(scope);
    return { policies: parse(item), etag: item.etag };
  }

  /** Throws `invalid_input` naming the policy when a set could not be used. */
  validate(scope: PolicyScope, policies: readonly Policy[]): CompiledPolicySet {
    return this.compile(policies.map((policy) => (scope.kind === 'global' ? { scope: 'global' as const, policy } : { scope: 'user' as const, owner: scope.userId, policy })));
  }

  /** Compiles entries with this repository's limits (a dry run's draft set, for one). */
  compile(entries: readonly PolicyEntry[]): CompiledPolicySet {
    return compilePolicies(entries, this.options.limits);
  }

  /** Stores the defaults as the global set unless one exists; returns whether it did. */
  async seedGlobal(defaults: readonly Policy[]): Promise<boolean> {
    this.validate({ kind: 'global' }, defaults);
    try {
      await this.state.put(GLOBAL_PARTITION, KIND, KEY, { policies: defaults }, { ifNoneMatch: '*' });
      this.#invalidate({ kind: 'global' });
      return true;
    } catch (error) {
      if (isKernelError(error, 'precondition_failed')) return false;
      throw error;
    }
  }

  /**
   * The compiled global + user set that applies to a user's events (cached). A cached set is
   * returned as it is, not in a promise: this runs for every event.
   */
  compiledFor(userId: string): CompiledPolicySet | Promise<CompiledPolicySet> {
    const now = this.clock.now().getTime();
    const generation = this.#generation.current();
    return this.#cachedSet(userId, now, generation) ?? this.#load(userId, now, generation);
  }

  /** The user's compiled set while it and the global set it was built on are both fresh. */
  #cachedSet(userId: string, now: number, generation: number): CompiledPolicySet | undefined {
    const cached = this.#users.get(userId);
    const global = this.#global;
    if (!cached || !global || cached.loadedAt < global.loadedAt) return undefined;
    const fresh = (entry: { generation: number; loadedAt: number }): boolean => entry.generation === generation && now - entry.loadedAt < this.#cacheMs;
    return fresh(cached) && fresh(global) ? cached.value : undefined;
  }

  async #load(userId: string, now: number, generation: number): Promise<CompiledPolicySet> {
    const global = await this.#globalPolicies(now, generation);
    const cached = this.#cachedSet(userId, now, generation);
    if (cached) return cached;
    const own = await this.read({ kind: 'user', userId });
    const compiled = this.compile([
      ...global.map((policy) => ({ scope: 'global' as const, policy })),
      ...own.policies.map((policy) => ({ scope: 'user' as const, owner: userId, policy })),
    ]);
    this.#users.delete(userId);
    this.#users.set(userId, { value: compiled, loadedAt: now, generation });
    if (this.#users.size > this.#maxUsers) this.#users.delete(this.#users.keys().next().value as string);
    return compiled;
  }

  async #globalPolicies(now: number, generation: number): Promise<Policy[]> {
    if (this.#global && this.#global.generation === generation && now - this.#global.loadedAt < this.#cacheMs) return this.#global.value;
    const { policies } = await this.read({ kind: 'global' });
    this.#global = { value: policies, loadedAt: now, generation };
    return policies;
  }

  #invalidate(scope: PolicyScope): void {
    // Every thread sharing the generation drops its cached sets (all users': changes are rare).
    this.#generation.advance();
    if (scope.kind === 'global') {
      this.#global = undefined;
      this.#users.clear();
    } else {
      this.#users.delete(scope.userId);
    }
  }
}

function partitionOf(scope: PolicyScope): string {
  return scope.kind === 'global' ? GLOBAL_PARTITION : scope.userId;
}

function parse(item: StateItem): Policy[] {
  const parsed = storedSchema.safeParse(item.value);
  if (!parsed.success) throw new KernelError('internal', `the stored policy set in ${item.partition} does not match the policy schema`, { cause: parsed.error });
  return parsed.data.policies;
}
