/**
 * A PackGrants over plain maps: the port's whole contract (a new directory object when the set of
 * drivers changes, permissions in force per user or for everyone), for tests and benchmarks that
 * do not install packs through the packs module.
 */
import { packPermissionsSchema, type PackPermissions } from '../../src/packs/index.js';
import type { PackDirectory, PackDriver, PackGrants } from '../../src/security/index.js';

type PermissionsInput = Parameters<typeof packPermissionsSchema.parse>[0];

export class MapPackGrants implements PackGrants {
  #directory: PackDirectory = { drivers: new Map() };
  readonly #grants = new Map<string, PackPermissions>();
  /** How often permissionsFor was asked (the hot path must not ask for events no pack is concerned with). */
  lookups = 0;

  /** A pack's drivers: id -> the event types it is routed. */
  install(pack: string, drivers: Record<string, readonly string[]>): this {
    const next = new Map<string, PackDriver>(this.#directory.drivers);
    for (const [id, capabilities] of Object.entries(drivers)) next.set(id, { pack, capabilities });
    this.#directory = { drivers: next };
    return this;
  }

  /** `user` '*': a global grant by an admin. */
  grant(user: string, pack: string, permissions: PermissionsInput): this {
    this.#grants.set(`${user}/${pack}`, packPermissionsSchema.parse(permissions));
    return this;
  }

  revoke(user: string, pack: string): this {
    this.#grants.delete(`${user}/${pack}`);
    return this;
  }

  directory(): PackDirectory {
    return this.#directory;
  }

  async permissionsFor(userId: string, pack: string): Promise<PackPermissions | undefined> {
    this.lookups += 1;
    return this.#grants.get(`${userId}/${pack}`) ?? this.#grants.get(`*/${pack}`);
  }
}
