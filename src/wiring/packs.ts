/**
 * Skill packs in the core: the lifecycle service the API calls, the directory the event path and
 * the policy engine read, and the runtime that starts a pack's drivers in its sandbox and routes
 * events to them for users whose grant is in force. Pack drivers join the processor through a
 * live registry (their own ids, routed only dynamically); everything else a pack brings goes into
 * the user's stores (pack-contents.ts).
 */
import type { Config } from '../config.js';
import { createLiveDriverRegistry, type DriverRegistry, type LiveDriverRegistry } from '../drivers/index.js';
import type { CacheGeneration, Clock, Logger, StateStore } from '../kernel/index.js';
import { ensurePlaced, PackDirectory, PackRuntime, PackService, PackStore, searchPacks, type LoadedPack, type PackContentTarget, type PackDriverInfo, type PackSearchHit, type StartPackSandbox } from '../packs/index.js';
import { VERSION } from '../version.js';

export interface PackSystem {
  service: PackService;
  directory: PackDirectory;
  search(text: string): Promise<PackSearchHit[]>;
}

export interface PackPorts {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  generation: CacheGeneration;
  startSandbox: StartPackSandbox;
}

/** The store, the directory and the lifecycle: one per core. */
export function createPackSystem(config: Config, ports: PackPorts, contents: PackContentTarget): PackSystem {
  const store = new PackStore(ports.state);
  const directory = new PackDirectory(store, ports.clock, { generation: ports.generation, cacheMs: config.policies.cacheMs });
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
  return { service, directory, search: (text) => searchPacks(config.packs.registry, text) };
}

/** The processor's registry with room for pack drivers, and the routes that start and reach them. */
export function createPackRuntime(config: Config, ports: PackPorts, directory: PackDirectory, registry: DriverRegistry): { registry: LiveDriverRegistry; runtime: PackRuntime } {
  const live = createLiveDriverRegistry(registry);
  const runtime = new PackRuntime({
    directory,
    start: ports.startSandbox,
    placed: (entry) => ensurePlaced(entry, { root: config.packs.dir, registry: config.packs.registry }),
    attach: (pack, drivers) => live.attach(pack, drivers),
    detach: (pack) => live.detach(pack),
    logger: ports.logger,
    onViolation: (violation) => ports.logger.warn({ ...violation }, 'a pack tried something its grant does not allow; the sandbox stopped it'),
  });
  return { registry: live, runtime };
}

/** Starts the pack's drivers once to read the manifests they declare, then stops them. */
async function inspectDrivers(ports: PackPorts, pack: LoadedPack): Promise<PackDriverInfo[]> {
  const sandbox = await ports.startSandbox({
    pack: pack.manifest.name,
    root: pack.root,
    drivers: pack.manifest.contents.drivers,
    permissions: pack.manifest.permissions,
    logger: ports.logger.child({ pack: pack.manifest.name, inspecting: true }),
  });
  try {
    return sandbox.drivers.map((driver) => ({ id: driver.manifest.id, capabilities: [...driver.manifest.capabilities] }));
  } finally {
    await sandbox.stop();
  }
}
