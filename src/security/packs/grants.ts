/**
 * What the security stage needs to know about skill packs, and nothing more: which drivers
 * belong to which pack, and what a user (or an admin, for everyone) granted a pack. The packs
 * module (src/packs) implements it over the lock of installed packs and the grants in the store;
 * the wiring hands it to `createSecuritySystem`. The authorizer enforces it (see enforcer.ts).
 *
 * The contract an implementation must keep:
 * - `directory()` is asked for every event: synchronous while its cache is fresh (the hot path:
 *   a promise costs every event a turn), a promise only when it must be read again (another
 *   thread or instance changed the lock). It returns the same object until the set of installed
 *   pack drivers changes, then a new one (the authorizer caches its routing per object).
 * - It is never staler than what runs: a pack's drivers are in the directory this process
 *   answers before they run anywhere whose events this process may judge (the shared cache
 *   generation, as for policies), and until they have stopped. An event whose producer the
 *   directory does not know is judged as a built-in driver's. Driver ids are unique across packs
 *   and built-in drivers.
 * - A pack's agent must run as a driver of its own (its id the agent's, as
 *   src/drivers/agent-runtime/agent-driver.ts builds them), not inside the shared `agents`
 *   driver: the kernel names the driver that emitted an event, and only a driver of its own
 *   makes an agent's events the pack's.
 * - `capabilities` are every event type the driver can be routed (its manifest's capabilities,
 *   an agent's triggers): the receive check only looks at drivers whose capabilities match the
 *   event, plus the driver an answer is addressed to (`recipient`).
 * - `permissionsFor` answers the permissions in force: the user's own grant, else a global one
 *   an admin gave; undefined while there is none (then nothing of the pack runs for that user).
 *   Called only for events a pack's driver produced or would receive, so it may read the store;
 *   a cache of it must be dropped when grants change (as PolicyRepository's is, by the
 *   CacheGeneration).
 */
import type { PackPermissions } from '../../packs/index.js';

export type { PackPermissions };

/** One driver (or agent: agents are drivers) of an installed pack. */
export interface PackDriver {
  /** The pack's name, as grants and the lock name it. */
  readonly pack: string;
  /** Every event type pattern the driver can be routed (see the module comment). */
  readonly capabilities: readonly string[];
}

/** The installed packs' drivers by driver id. */
export interface PackDirectory {
  readonly drivers: ReadonlyMap<string, PackDriver>;
}

export interface PackGrants {
  directory(): PackDirectory | Promise<PackDirectory>;
  permissionsFor(userId: string, pack: string): PackPermissions | undefined | Promise<PackPermissions | undefined>;
}

/** No pack installed: what a system without the packs module enforces (nothing, at no cost). */
export const NO_PACKS: PackGrants = Object.freeze({
  directory: () => EMPTY_DIRECTORY,
  permissionsFor: () => undefined,
});

const EMPTY_DIRECTORY: PackDirectory = Object.freeze({ drivers: new Map<string, PackDriver>() });

/** The policy name a pack's denials and restrictions are recorded under. */
export function packPolicyName(pack: string): string {
  return `pack:${pack}`;
}
