/**
 * What the store holds of packs (kernel StateStore):
 *
 * | partition        | kind           | key           | value |
 * |------------------|----------------|---------------|-------|
 * | `_global`        | `pack-lock`    | name          | the lock: what is installed, from where, its integrity and manifest |
 * | user or `_global`| `pack-grant`   | name          | a grant: exactly the permissions consented to, by whom, when |
 * | user or `_global`| `pack-install` | name          | what the pack put in that space (agent, instruction, app, policy ids) |
 * | `_global`        | `pack-user`    | name/user     | who has a pack's contents, so an update or a global removal reaches them |
 *
 * Every read is parsed with its schema: a stored item that does not parse is an internal error.
 */
import { z } from 'zod';
import { GLOBAL_PARTITION, KernelError, type StateItem, type StateStore } from '../kernel/index.js';
import { packManifestSchema, packPermissionsSchema } from './manifest.js';

export const PACK_LOCK_KIND = 'pack-lock';
export const PACK_GRANT_KIND = 'pack-grant';
export const PACK_INSTALL_KIND = 'pack-install';
export const PACK_USER_KIND = 'pack-user';

export const lockEntrySchema = z.object({
  name: z.string(),
  version: z.string(),
  source: z.discriminatedUnion('kind', [z.object({ kind: z.literal('npm'), spec: z.string(), name: z.string() }), z.object({ kind: z.literal('folder'), path: z.string() })]),
  resolved: z.string(),
  integrity: z.string(),
  manifest: packManifestSchema,
  /** The driver modules' manifests as the sandbox reported them at install. */
  drivers: z.array(z.object({ id: z.string(), capabilities: z.array(z.string()), module: z.string() })),
  /** Its agents and the event types that start them: each runs as a driver of its own (its id the agent's). */
  agents: z.array(z.object({ id: z.string(), capabilities: z.array(z.string()), file: z.string() })).default([]),
  /** The ids its documents declare, so the policy engine knows an agent or instruction as the pack's. */
  provides: z.object({ agents: z.array(z.string()), instructions: z.array(z.string()), apps: z.array(z.string()), policies: z.array(z.string()), mcp_servers: z.array(z.string()) }),
  installedBy: z.string(),
  installedAt: z.string(),
  updatedAt: z.string(),
});
export type LockEntry = z.infer<typeof lockEntrySchema>;

export type GrantScope = { kind: 'user'; userId: string } | { kind: 'global' };

export const grantSchema = z.object({
  pack: z.string(),
  scope: z.enum(['user', 'global']),
  /** The version consented to (the grant stays in force for later versions that ask for no more). */
  version: z.string(),
  permissions: packPermissionsSchema,
  digest: z.string(),
  grantedBy: z.string(),
  grantedAt: z.string(),
});
export type PackGrant = z.infer<typeof grantSchema>;

export const installedItemsSchema = z.object({
  agents: z.array(z.string()).default([]),
  instructions: z.array(z.string()).default([]),
  apps: z.array(z.string()).default([]),
  policies: z.array(z.string()).default([]),
});
export type InstalledItems = z.infer<typeof installedItemsSchema>;

const installRecordSchema = z.object({ pack: z.string(), version: z.string(), installedAt: z.string(), items: installedItemsSchema });
export type InstallRecord = z.infer<typeof installRecordSchema>;

export const partitionOf = (scope: GrantScope): string => (scope.kind === 'global' ? GLOBAL_PARTITION : scope.userId);

function parsed<T>(schema: z.ZodType<T>, item: StateItem): T {
  const result = schema.safeParse(item.value);
  if (!result.success) throw new KernelError('internal', `the stored ${item.kind} "${item.key}" in ${item.partition} does not parse: ${z.prettifyError(result.error)}`);
  return result.data;
}

export class PackStore {
  constructor(private readonly state: StateStore) {}

  async lock(name: string): Promise<LockEntry | undefined> {
    const item = await this.state.get(GLOBAL_PARTITION, PACK_LOCK_KIND, name);
    return item === undefined ? undefined : parsed(lockEntrySchema, item);
  }

  /** Every installed pack, by name. */
  async locks(): Promise<LockEntry[]> {
    const entries: LockEntry[] = [];
    let afterKey: string | undefined;
    for (;;) {
      const page = await this.state.list(GLOBAL_PARTITION, PACK_LOCK_KIND, { limit: 200, ...(afterKey !== undefined && { afterKey }) });
      entries.push(...page.map((item) => parsed(lockEntrySchema, item)));
      if (page.length < 200) return entries;
      afterKey = page.at(-1)?.key;
    }
  }

  async putLock(entry: LockEntry): Promise<void> {
    await this.state.put(GLOBAL_PARTITION, PACK_LOCK_KIND, entry.name, lockEntrySchema.parse(entry));
  }

  async deleteLock(name: string): Promise<void> {
    await this.state.delete(GLOBAL_PARTITION, PACK_LOCK_KIND, name);
  }

  async grant(scope: GrantScope, name: string): Promise<PackGrant | undefined> {
    const item = await this.state.get(partitionOf(scope), PACK_GRANT_KIND, name);
    return item === undefined ? undefined : parsed(grantSchema, item);
  }

  async putGrant(scope: GrantScope, grant: PackGrant): Promise<void> {
    await this.state.put(partitionOf(scope), PACK_GRANT_KIND, grant.pack, grantSchema.parse(grant));
  }

  async deleteGrant(scope: GrantScope, name: string): Promise<boolean> {
    return this.state.delete(partitionOf(scope), PACK_GRANT_KIND, name);
  }

  async install(scope: GrantScope, name: string): Promise<InstallRecord | undefined> {
    const item = await this.state.get(partitionOf(scope), PACK_INSTALL_KIND, name);
    return item === undefined ? undefined : parsed(installRecordSchema, item);
  }

  async putInstall(scope: GrantScope, record: InstallRecord): Promise<void> {
    await this.state.put(partitionOf(scope), PACK_INSTALL_KIND, record.pack, record);
    if (scope.kind === 'user') await this.state.put(GLOBAL_PARTITION, PACK_USER_KIND, `${record.pack}/${scope.userId}`, { userId: scope.userId });
  }

  async deleteInstall(scope: GrantScope, name: string): Promise<void> {
    await this.state.delete(partitionOf(scope), PACK_INSTALL_KIND, name);
    if (scope.kind === 'user') await this.state.delete(GLOBAL_PARTITION, PACK_USER_KIND, `${name}/${scope.userId}`);
  }

  /** The users who have the pack's contents in their space. */
  async users(name: string): Promise<string[]> {
    const users: string[] = [];
    let afterKey: string | undefined;
    for (;;) {
      const page = await this.state.list(GLOBAL_PARTITION, PACK_USER_KIND, { keyPrefix: `${name}/`, limit: 500, ...(afterKey !== undefined && { afterKey }) });
      users.push(...page.map((item) => item.key.slice(name.length + 1)));
      if (page.length < 500) return users;
      afterKey = page.at(-1)?.key;
    }
  }
}
