/** The drivers every deployment runs: the built-ins, then the user's modules from the project file. */
import { createContextDriver } from '../drivers/context/index.js';
import { createDriverRegistry, createPingDriver, loadDriverModules, type DriverRegistry, type ProjectFile } from '../drivers/index.js';
import { createModelsDriver } from '../drivers/models/index.js';
import type { ContextWorkspace } from '../kernel/context/index.js';
import type { ContextStore, Driver } from '../kernel/index.js';
import type { ModelRegistry } from '../registries/models/index.js';
import { createContextAccessControl, type GrantStore } from '../security/index.js';

/** What the built-in drivers need from the deployment's stores. */
export interface BuiltInDriverDeps {
  context: ContextStore;
  grants: GrantStore;
  workspace: ContextWorkspace;
  models: ModelRegistry;
  /** VEXTIR_MODEL_TIMEOUT_MS: one call to a model provider. */
  modelCallTimeoutMs: number;
  /** The IO drivers (notifications, smtp, imap), built from settings and the project file (io.ts). */
  io?: readonly Driver[];
}

/** The built-in drivers every deployment has. */
export function builtInDrivers(deps: BuiltInDriverDeps): Driver[] {
  return [
    createPingDriver(),
    createContextDriver({ store: deps.context, access: createContextAccessControl(deps.grants), workspace: deps.workspace }),
    createModelsDriver({ registry: deps.models, callTimeoutMs: deps.modelCallTimeoutMs }),
    ...(deps.io ?? []),
  ];
}

/** Built-ins plus the user's modules from the project file (`VEXTIR_CONFIG`, read with readProjectFile). */
export async function loadDrivers(project: ProjectFile, deps: BuiltInDriverDeps, agents: readonly Driver[] = []): Promise<DriverRegistry> {
  const userDrivers = await loadDriverModules(project.drivers, project.baseDir);
  return createDriverRegistry([...builtInDrivers(deps), ...agents, ...userDrivers]);
}
