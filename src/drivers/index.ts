/** The driver framework: what a driver author imports. */
export type { Driver, DriverContext, DriverKind, DriverManifest, DriverManifestInput } from '../kernel/index.js';
export { KernelError } from '../kernel/index.js';
export { defineDriver, type DriverDefinition } from './define-driver.js';
export { loadDriverModules, type DriverModuleSpec } from './loader.js';
export { readProjectFile, type ProjectFile } from './project-file.js';
export { createPingDriver } from './ping/ping-driver.js';
export { createDriverRegistry, createLiveDriverRegistry, type DriverRegistry, type LiveDriverRegistry } from './registry.js';
