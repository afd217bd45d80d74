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
