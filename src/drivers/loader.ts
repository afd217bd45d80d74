/**
 * Loads user drivers from modules named in configuration, so a user adds a driver without
 * touching src/. A module's default export is either a driver (from `defineDriver`) or a
 * factory `(options) => driver | Promise<driver>` that receives the `options` from configuration.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Driver, KernelError, toKernelError } from '../kernel/index.js';
import { defineDriver, type DriverDefinition } from './define-driver.js';

export interface DriverModuleSpec {
  /** A path (relative to `baseDir`) or a package name. */
  module: string;
  options?: Record<string, unknown>;
}

export async function loadDriverModules(specs: readonly DriverModuleSpec[], baseDir: string): Promise<Driver[]> {
  const drivers: Driver[] = [];
  for (const spec of specs) drivers.push(await loadDriverModule(spec, baseDir));
  return drivers;
}

async function loadDriverModule(spec: DriverModuleSpec, baseDir: string): Promise<Driver> {
  const isPath = spec.module.startsWith('.') || isAbsolute(spec.module);
  const specifier = isPath ? pathToFileURL(resolve(baseDir, spec.module)).href : spec.module;
  let loaded: { default?: unknown };
  try {
    loaded = (await import(specifier)) as { default?: unknown };
  } catch (error) {
    throw new KernelError('invalid_input', `driver module "${spec.module}" could not be loaded: ${toKernelError(error).message}`, { cause: error });
  }
  const exported = loaded.default;
  const candidate = typeof exported === 'function' ? await (exported as (options: unknown) => unknown)(spec.options ?? {}) : exported;
  if (!isDriverDefinition(candidate)) {
    throw new KernelError(
      'invalid_input',
      `driver module "${spec.module}" must default-export a driver ({ manifest, handle }) or a function returning one`,
    );
  }
  // Validate the manifest here too: a module need not import anything from Vextir OS.
  return defineDriver(candidate);
}

function isDriverDefinition(value: unknown): value is DriverDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<DriverDefinition>;
  return typeof candidate.handle === 'function' && typeof candidate.manifest === 'object' && candidate.manifest !== null;
}
