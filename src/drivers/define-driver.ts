/**
 * `defineDriver` is how a driver is written: a manifest (validated here, with defaults filled
 * in) and a `handle` function. Built-in drivers and user modules use the same call.
 */
import { z } from 'zod';
import { type Driver, type DriverManifestInput, driverManifestSchema, KernelError } from '../kernel/index.js';

export interface DriverDefinition {
  manifest: DriverManifestInput;
  handle: Driver['handle'];
  init?: Driver['init'];
  shutdown?: Driver['shutdown'];
}

export function defineDriver(definition: DriverDefinition): Driver {
  const parsed = driverManifestSchema.safeParse(definition.manifest);
  if (!parsed.success) {
    const id = typeof definition.manifest?.id === 'string' ? ` "${definition.manifest.id}"` : '';
    throw new KernelError('invalid_input', `driver${id} has an invalid manifest: ${z.prettifyError(parsed.error)}`);
  }
  const driver: Driver = { manifest: Object.freeze(parsed.data), handle: definition.handle };
  return Object.freeze({
    ...driver,
    ...(definition.init ? { init: definition.init } : {}),
    ...(definition.shutdown ? { shutdown: definition.shutdown } : {}),
  });
}
