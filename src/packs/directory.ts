/**
 * The installed packs as the event path asks about them: which pack a driver, agent or
 * instruction id belongs to, and which permissions are in force for a user and a pack. The
 * routing of pack drivers (runtime.ts) and the policy engine's enforcement of grants read it.
 *
 * Both read through short caches, like the policy sets: a change made through this instance (any
 * thread sharing the `generation`) is seen at once, one made through another instance within
 * `cacheMs`.
 */
import { type CacheGeneration, type Clock, localCacheGeneration } from '../kernel/index.js';
import type { PackPermissions } from './manifest.js';
import type { LockEntry, PackStore } from './store.js';
import { grantInForce } from './views.js';

export interface PackSnapshot {
  /** The lock, by pack name. */
  packs: ReadonlyMap<string, LockEntry>;
  /** Driver, agent, instruction and MCP server ids -> the pack that declares them. */
  owners: ReadonlyMap<string, string>;
}

interface Cached<T> {
  value: T;
  loadedAt: number;
  generation: number;
}

const MAX_CACHED_USERS = 10_000;

export class PackDirectory {
  #snapshot: Cached<PackSnapshot> | undefined;
  #loading: Promise<PackSnapshot> | undefined;
  readonly #users = new Map<string, Cached<Map<string, PackPermissions | undefined>>>();
  readonly #generation: CacheGeneration;
  readonly #cacheMs: number;

  constructor(
    private readonly store: PackStore,
    private readonly clock: Clock,
    options: { generation?: CacheGeneration; cacheMs?: number } = {},
  ) {
    this.#generation = options.generation ?? localCacheGeneration();
    this.#cacheMs = options.cacheMs ?? 2000;
  }

  /** The last snapshot while it is fresh (the hot path), else undefined: call `snapshot()`. */
  fresh(): PackSnapshot | undefined {
    const cached = this.#snapshot;
    return cached !== undefined && this.#isFresh(cached) ? cached.value : undefined;
  }

  async snapshot(): Promise<PackSnapshot> {
    const fresh = this.fresh();
    if (fresh !== undefined) return fresh;
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /** The pack a driver, agent, instruction or MCP server id belongs to; undefined for everything else. */
  async packOf(id: string): Promise<string | undefined> {
    return (await this.snapshot()).owners.get(id);
  }

  /**
   * What the pack may do for the user: the installed version's permissions when the user's grant
   * or the global one covers them; undefined when no grant is in force (the pack may do nothing).
   */
  async permissionsFor(userId: string, pack: string): Promise<PackPermissions | undefined> {
    const entry = (await this.snapshot()).packs.get(pack);
    if (entry === undefined) return undefined;
    let cached = this.#users.get(userId);
    if (cached === undefined || !this.#isFresh(cached)) {
      cached = { value: new Map(), loadedAt: this.clock.now().getTime(), generation: this.#generation.current() };
      this.#users.delete(userId);
      this.#users.set(userId, cached);
      if (this.#users.size > MAX_CACHED_USERS) this.#users.delete(this.#users.keys().next().value as string);
    }
    const key = `${pack}@${entry.version}`;
    if (!cached.value.has(key)) {
      const [own, global] = await Promise.all([this.store.grant({ kind: 'user', userId }, pack), this.store.grant({ kind: 'global' }, pack)]);
      cached.value.set(key, grantInForce(entry, own, global) === undefined ? undefined : entry.manifest.permissions);
    }
    return cached.value.get(key);
  }

  #isFresh(cached: Cached<unknown>): boolean {
    return cached.generation === this.#generation.current() && this.clock.now().getTime() - cached.loadedAt < this.#cacheMs;
  }

  async #load(): Promise<PackSnapshot> {
    const generation = this.#generation.current();
    const loadedAt = this.clock.now().getTime();
    const entries = await this.store.locks();
    const owners = new Map<string, string>();
    for (const entry of entries) {
      for (const id of [...entry.drivers.map((driver) => driver.id), ...entry.provides.agents, ...entry.provides.instructions, ...entry.provides.mcp_servers]) owners.set(id, entry.name);
    }
    const value: PackSnapshot = { packs: new Map(entries.map((entry) => [entry.name, entry])), owners };
    this.#snapshot = { value, loadedAt, generation };
    return value;
  }
}
