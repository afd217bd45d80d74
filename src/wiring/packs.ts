/**
 * Skill packs in the core: the lifecycle service the API calls, the directory the event path and
 * the policy engine read, and the runtime that starts a pack's drivers in its sandbox and routes
 * events to them for users whose grant is in force. Pack drivers join the processor through a
 * live registry (their own ids, routed only dynamically); everything else a pack brings goes into
 * the user's stores (pack-contents.ts).
 */
import type { Config } from '../config.js';
import { createLiveDriverRegistry, type DriverRegistry, type LiveDriverRegistry } from '../drivers/index.js';
import type { CacheGeneration, Clock, Driver, Logger, StateStore } from '../kernel/index.js';
import { ensurePlaced, loadPack, PackDirectory, PackRuntime, PackService, PackStore, searchPacks, type LoadedPack, type PackContentTarget, type PackDriverInfo, type PackSandboxRequest, type PackSearchHit, type PackSnapshot, type StartPackSandbox } from '../packs/index.js';
import type { PackDirectory as SecurityPackDirectory, PackDriver, PackGrants } from '../security/index.js';
import { VERSION } from '../version.js';

export interface PackSystem {
  service: PackService;
  directory: PackDirectory;
  search(text: string): Promise<PackSearchHit[]>;
  /** The policies globally granted packs put in the global set: policy id -> pack. */
  globalPolicies(): Promise<Map<string, string>>;
}

export interface PackPorts {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  generation: CacheGeneration;
  startSandbox: StartPackSandbox;
  /** Where the sandbox reports what it stopped (the audit trail). */
  onViolation: NonNullable<PackSandboxRequest['onViolation']>;
}

/** The lock and grants as the event path reads them (created before security, which enforces them). */
export function createPackDirectory(config: Config, ports: Pick<PackPorts, 'state' | 'clock' | 'generation'>): PackDirectory {
  return new PackDirectory(new PackStore(ports.state), ports.clock, { generation: ports.generation, cacheMs: config.policies.cacheMs });
}

/**
 * The directory as the policy engine asks it (src/security/packs): every pack driver and agent
 * with the types it can be routed, one object per snapshot of the lock, a promise only when the
 * lock must be read again.
 */
export function packGrants(directory: PackDirectory): PackGrants {
  let last: PackSnapshot | undefined;
  let view: SecurityPackDirectory = { drivers: new Map() };
  const viewOf = (snapshot: PackSnapshot): SecurityPackDirectory => {
    if (snapshot !== last) {
      last = snapshot;
      const drivers = new Map<string, PackDriver>();
      for (const entry of snapshot.packs.values()) {
        for (const each of [...entry.drivers, ...entry.agents]) drivers.set(each.id, { pack: entry.name, capabilities: each.capabilities });
      }
      view = { drivers };
    }
    return view;
  };
  return {
    directory: () => {
      const fresh = directory.fresh();
      return fresh === undefined ? directory.snapshot().then(viewOf) : viewOf(fresh);
    },
    permissionsFor: (userId, pack) => directory.permissionsFor(userId, pack),
  };
}

/** The lifecycle over the directory's store: one per core. */
export function createPackSystem(config: Config, ports: PackPorts, directory: PackDirectory, contents: PackContentTarget): PackSystem {
  const store = new PackStore(ports.state);
  const service = new PackService({
    store,
    clock: ports.clock,
    logger: ports.logger,
    root: config.packs.dir,
    registry: config.packs.registry,
    vextirVersion: VERSION,
    generation: ports.generation,
    inspectDrivers: (pack) => inspectDrivers(ports, pack),
    contents,
  });
  return { service, directory, search: (text) => searchPacks(config.packs.registry, text), globalPolicies: () => globalPackPolicies(store) };
}

/** The processor's registry with room for pack drivers, and the routes that start and reach them. */
export function createPackRuntime(config: Config, ports: PackPorts, directory: PackDirectory, registry: DriverRegistry, compileAgent: (definition: unknown, pointer: string) => Driver): { registry: LiveDriverRegistry; runtime: PackRuntime } {
  const live = createLiveDriverRegistry(registry);
  const runtime = new PackRuntime({
    directory,
    start: ports.startSandbox,
    agentDrivers: async (_entry, root) => {
      const pack = await loadPack(root, VERSION);
      return pack.documents.agents.map(({ file, value }) => compileAgent(unwrapAgent(value), file));
    },
    placed: (entry) => ensurePlaced(entry, { root: config.packs.dir, registry: config.packs.registry }),
    attach: (pack, drivers) => live.attach(pack, drivers),
    detach: (pack) => live.detach(pack),
    logger: ports.logger,
    onViolation: ports.onViolation,
  });
  return { registry: live, runtime };
}

async function globalPackPolicies(store: PackStore): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const entry of await store.locks()) {
    const record = await store.install({ kind: 'global' }, entry.name);
    for (const id of record?.items.policies ?? []) owners.set(id, entry.name);
  }
  return owners;
}

/** Starts the pack's drivers once to read the manifests they declare, then stops them. */
async function inspectDrivers(ports: PackPorts, pack: LoadedPack): Promise<PackDriverInfo[]> {
  const sandbox = await ports.startSandbox({
    pack: pack.manifest.name,
    root: pack.root,
    drivers: pack.manifest.contents.drivers,
    permissions: pack.manifest.permissions,
    logger: ports.logger.child({ pack: pack.manifest.name, inspecting: true }),
    onViolation: ports.onViolation,
  });
  try {
    return sandbox.drivers.map((driver) => ({ id: driver.manifest.id, capabilities: [...driver.manifest.capabilities] }));
  } finally {
    await sandbox.stop();
  }
}

/** The seed's form wraps an agent in `driver:`. */
export function unwrapAgent(value: unknown): unknown {
  const wrapped = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)['driver'] : undefined;
  return wrapped ?? value;
}
