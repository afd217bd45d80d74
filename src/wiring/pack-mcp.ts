/**
 * Skill packs' MCP servers at run time, per processor (each processor thread has its own
 * McpServers and tool registry, as it has its own pack drivers): when the lock or the grants
 * change (the directory's snapshot, which every thread sees go stale through the shared
 * generation), the next event a processor routes reconciles its servers first. A pack's servers
 * are connected while someone has a grant of it (a user's or the global one) and disconnected,
 * their tools out of the registry, once it is removed, changed or no longer granted.
 *
 * What a connected pack server offers and to whom (McpServerOwner, checked by the `mcp` driver):
 * only the tools its pack's `permissions.tools` lists, and only to users whose grant is in force;
 * every call is a `tool.call` event, so the policy engine and the audit trail see it as they see every other event.
 */
import { z } from 'zod';
import { mcpServerSchema, resolveServer, type McpServers, type ResolvedMcpServer } from '../drivers/mcp/index.js';
import type { DynamicRoutes, Logger } from '../kernel/index.js';
import { loadPack, type LockEntry, type PackDirectory, type PackSnapshot, type PackStore } from '../packs/index.js';
import { VERSION } from '../version.js';

/** How long an event waits for a pack's server to connect before it is routed (its tools join when it is up). */
const CONNECT_GRACE_MS = 5_000;

export interface PackMcpDeps {
  servers: McpServers;
  directory: PackDirectory;
  store: PackStore;
  /** The pack's folder on this machine (fetched again from the lock's source when missing). */
  placed(entry: LockEntry): Promise<string>;
  logger: Logger;
}

export interface PackMcp extends DynamicRoutes {
  /** Disconnects every pack server (the host is shutting down). */
  close(): Promise<void>;
}

export function createPackMcp(deps: PackMcpDeps): PackMcp {
  /** Pack name -> the lock key its servers were connected for, and their ids. */
  const connected = new Map<string, { key: string; ids: string[] }>();
  let reconciled: PackSnapshot | undefined;
  let reconciling: Promise<void> | undefined;

  const reconcile = async (): Promise<void> => {
    const snapshot = await deps.directory.snapshot();
    if (snapshot === reconciled) return;
    for (const [pack, running] of [...connected]) {
      const entry = snapshot.packs.get(pack);
      if (entry === undefined || keyOf(entry) !== running.key || !(await granted(deps.store, pack))) await disconnect(pack);
    }
    for (const entry of snapshot.packs.values()) {
      if (entry.provides.mcp_servers.length === 0 || connected.has(entry.name) || !(await granted(deps.store, entry.name))) continue;
      await connect(entry).catch((error: unknown) => deps.logger.error({ err: error, pack: entry.name }, "could not connect the pack's MCP servers; tried again when the packs change"));
    }
    reconciled = snapshot;
  };

  const connect = async (entry: LockEntry): Promise<void> => {
    const configs = await serversOf(entry, await deps.placed(entry));
    const ids: string[] = [];
    connected.set(entry.name, { key: keyOf(entry), ids });
    const permitted = entry.manifest.permissions.tools;
    for (const config of configs) {
      const owner = {
        pack: entry.name,
        allows: async (userId: string) => (await deps.directory.permissionsFor(userId, entry.name)) !== undefined,
        permits: (tool: string) => toolPermitted(permitted, config.id, tool),
      };
      await deps.servers.add(config, owner, CONNECT_GRACE_MS);
      ids.push(config.id);
    }
    deps.logger.info({ pack: entry.name, servers: ids }, "the pack's MCP servers are connected");
  };

  const disconnect = async (pack: string): Promise<void> => {
    const running = connected.get(pack);
    connected.delete(pack);
    for (const id of running?.ids ?? []) await deps.servers.remove(id);
    if (running !== undefined) deps.logger.info({ pack, servers: running.ids }, "the pack's MCP servers are disconnected");
  };

  return {
    driversFor() {
      if (deps.directory.fresh() === reconciled && reconciled !== undefined) return [];
      reconciling ??= reconcile().finally(() => {
        reconciling = undefined;
      });
      return reconciling.then(() => []);
    },
    async close() {
      await reconciling?.catch(() => undefined);
      for (const pack of [...connected.keys()]) await disconnect(pack);
    },
  };
}

const keyOf = (entry: LockEntry) => `${entry.name}@${entry.version}/${entry.integrity}`;

/** Someone may use the pack: an admin granted it globally, or a user added it. */
async function granted(store: PackStore, pack: string): Promise<boolean> {
  return (await store.grant({ kind: 'global' }, pack)) !== undefined || (await store.users(pack)).length > 0;
}

/**
 * The pack's server entries from its files, as the install checked them (HTTP to a declared
 * host, no settings). Always `external`: what a pack's server is sent leaves this system as far
 * as the pack is concerned, so PII policies apply. Event mappings are the project file's alone.
 */
async function serversOf(entry: LockEntry, root: string): Promise<ResolvedMcpServer[]> {
  const pack = await loadPack(root, VERSION);
  const entries = pack.documents.mcp_servers.flatMap(({ file, value }) => {
    const list = Array.isArray(value) ? value : (value as { mcp_servers?: unknown } | null)?.mcp_servers;
    const parsed = z.array(mcpServerSchema).safeParse(list);
    if (!parsed.success) throw new Error(`${entry.name}: ${file}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
  return entries.map((server) => {
    if (server.transport !== 'http') throw new Error(`${entry.name}: MCP server "${server.id}" is not an HTTP server`);
    return resolveServer({ ...server, external: true, events: [] }, root, (name) => {
      throw new Error(`${entry.name}: MCP server "${server.id}" names the setting ${name}; a pack gets no settings`);
    });
  });
}

/** As the policy engine grants a pack's tool calls (src/security/packs): `<server>_<tool>`, `mcp:<server>/<tool>` or `mcp:<server>/*`. */
export function toolPermitted(permitted: readonly string[], server: string, tool: string): boolean {
  const names = [`${server}_${tool}`, `mcp:${server}/${tool}`, `mcp:${server}/*`];
  return permitted.some((granted) => names.includes(granted));
}
