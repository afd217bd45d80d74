/**
 * The driver registry: created once from a list of drivers, frozen, answers "who handles this
 * type". Duplicate ids are rejected; routing results are cached per type.
 */
import { type Driver, type DriverDirectory, KernelError, matchesType } from '../kernel/index.js';

export interface DriverRegistry extends DriverDirectory {
  get(id: string): Driver | undefined;
  /** Call every driver's `init`, in registration order. */
  initAll(): Promise<void>;
  /** Call every driver's `shutdown`, in reverse order; one failing does not stop the others. */
  shutdownAll(onError: (driverId: string, error: unknown) => void): Promise<void>;
}

export function createDriverRegistry(drivers: readonly Driver[]): DriverRegistry {
  const byId = new Map<string, Driver>();
  for (const driver of drivers) {
    const { id } = driver.manifest;
    if (byId.has(id)) throw new KernelError('conflict', `two drivers are registered with the id "${id}"`);
    byId.set(id, driver);
  }
  const ordered = Object.freeze([...byId.values()]);
  const routes = new Map<string, readonly Driver[]>();

  return Object.freeze({
    all: () => ordered,
    get: (id: string) => byId.get(id),
    route(type: string): readonly Driver[] {
      let matched = routes.get(type);
      if (!matched) {
        matched = Object.freeze(ordered.filter((driver) => driver.manifest.capabilities.some((pattern) => matchesType(pattern, type))));
        routes.set(type, matched);
      }
      return matched;
    },
    async initAll(): Promise<void> {
      for (const driver of ordered) await driver.init?.();
    },
    async shutdownAll(onError: (driverId: string, error: unknown) => void): Promise<void> {
      for (const driver of [...ordered].reverse()) {
        try {
          await driver.shutdown?.();
        } catch (error) {
          onError(driver.manifest.id, error);
        }
      }
    },
  });
}

/** A registry whose built-in drivers are fixed and to which groups of drivers (a skill pack's) are attached and detached while it runs. */
export interface LiveDriverRegistry extends DriverRegistry {
  /**
   * Adds an owner's drivers, reached only through dynamic routes (never a static route of their
   * types). Replaces what the owner had. An id taken by another driver is a KernelError `conflict`.
   */
  attach(owner: string, drivers: readonly Driver[]): void;
  detach(owner: string): void;
  revision(): number;
}

export function createLiveDriverRegistry(base: DriverRegistry): LiveDriverRegistry {
  const attached = new Map<string, readonly Driver[]>();
  let all: readonly Driver[] = base.all();
  let revision = 0;
  const rebuild = () => {
    all = Object.freeze([...base.all(), ...[...attached.values()].flat()]);
    revision += 1;
  };
  return Object.freeze({
    all: () => all,
    route: (type: string) => base.route(type),
    get: (id: string) => base.get(id) ?? all.find((driver) => driver.manifest.id === id),
    initAll: () => base.initAll(),
    async shutdownAll(onError: (driverId: string, error: unknown) => void): Promise<void> {
      await base.shutdownAll(onError);
    },
    attach(owner: string, drivers: readonly Driver[]): void {
      const others = new Set(all.filter((driver) => !attached.get(owner)?.includes(driver)).map((driver) => driver.manifest.id));
      const clash = drivers.find((driver) => others.has(driver.manifest.id));
      if (clash !== undefined) throw new KernelError('conflict', `a driver with the id "${clash.manifest.id}" is registered already`);
      attached.set(owner, Object.freeze([...drivers]));
      rebuild();
    },
    detach(owner: string): void {
      if (attached.delete(owner)) rebuild();
    },
    revision: () => revision,
  });
}
