/**
 * The project's MCP servers: one connection each, and their tools kept in the tool registry as
 * they come and go (connect, `tools/list_changed`, shutdown). Agents see the tools their scope
 * allows (`mcp:github/*`) at the moment a run asks for its tools.
 *
 * Skill packs' servers join and leave while the system runs (`add`, `remove`): each processor
 * has its own McpServers and tool registry, so a change is made by every processor for itself
 * (src/wiring/pack-mcp.ts) and nothing here is shared between threads.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../kernel/index.js';
import type { ToolRegistry } from '../../registries/tools/index.js';
import { McpConnection, type Backoff, type ConnectionStatus } from './connection.js';
import type { ResolvedMcpServer } from './schema.js';
import { isToolAllowed, toolDefinition, type ServerToolPolicy } from './tools.js';

export interface McpServer {
  config: ResolvedMcpServer;
  /** The driver that answers this server's calls. */
  driver: string;
  connection: McpConnection;
  /** The server's tools (allow-list applied) by their own names; empty until it connected. */
  tools: ReadonlyMap<string, Tool>;
  /** Set for a skill pack's server: only users with the pack's grant in force may call it, only the tools it may use. */
  owner?: McpServerOwner;
}

export interface McpServerOwner {
  pack: string;
  /** Whether the user has a grant of the pack in force. */
  allows(userId: string): Promise<boolean>;
  /** Whether the pack's `permissions.tools` lists the server's tool (by its own name). */
  permits(tool: string): boolean;
}

export interface McpServersDeps {
  tools: ToolRegistry;
  logger: Logger;
  backoff?: Backoff;
}

/** The driver of a server: `mcp`, or `mcp-local` when its configuration says it is not external. */
export function driverIdOf(server: { external: boolean }): string {
  return server.external ? 'mcp' : 'mcp-local';
}

/** A server as this module keeps it: its tools by name, and the registry names it registered. */
interface ServerEntry extends McpServer {
  tools: Map<string, Tool>;
  registered: Set<string>;
}

export class McpServers {
  readonly #servers = new Map<string, ServerEntry>();

  constructor(
    configs: readonly ResolvedMcpServer[],
    private readonly deps: McpServersDeps,
  ) {
    for (const config of configs) this.#servers.set(config.id, this.#entry(config, undefined));
  }

  #entry(config: ResolvedMcpServer, owner: McpServerOwner | undefined): ServerEntry {
    const connection = new McpConnection(config, { logger: this.deps.logger, onTools: (listed) => this.#sync(entry, listed), ...(this.deps.backoff && { backoff: this.deps.backoff }) });
    const entry: ServerEntry = { config, driver: driverIdOf(config), connection, tools: new Map(), registered: new Set(), ...(owner !== undefined && { owner }) };
    return entry;
  }

  /**
   * A server that joins while the system runs (a skill pack's), connected at once; waits for the
   * first attempt at most `graceMs` (its tools join the registry when it is up). Throws when the id is taken.
   */
  async add(config: ResolvedMcpServer, owner: McpServerOwner, graceMs: number): Promise<McpServer> {
    if (this.#servers.has(config.id)) throw new Error(`there is already an MCP server "${config.id}"`);
    const entry = this.#entry(config, owner);
    this.#servers.set(config.id, entry);
    await withinGrace(entry.connection.start(), graceMs);
    return entry;
  }

  /** Disconnects a server added with `add` and takes its tools out of the registry; false when there is none. */
  async remove(id: string): Promise<boolean> {
    const entry = this.#servers.get(id);
    if (entry?.owner === undefined) return false;
    this.#servers.delete(id);
    await entry.connection.close();
    this.#sync(entry, []);
    return true;
  }

  get(id: string): McpServer | undefined {
    return this.#servers.get(id);
  }

  all(): McpServer[] {
    return [...this.#servers.values()];
  }

  /**
   * Connects every server. Waits for the first attempts at most `graceMs`, so a slow server does
   * not hold up the host's start; its tools join the registry when it is up.
   */
  async start(graceMs: number): Promise<void> {
    // Servers added at run time started when they were added.
    await withinGrace(Promise.all(this.all().filter((server) => server.owner === undefined).map((server) => server.connection.start())), graceMs);
  }

  status(): Record<string, ConnectionStatus> {
    return Object.fromEntries(this.all().map((server) => [server.config.id, server.connection.status()]));
  }

  /** Stops every server (children exit) and takes their tools out of the registry. */
  async close(): Promise<void> {
    await Promise.all(this.all().map((server) => server.connection.close()));
    for (const server of this.#servers.values()) this.#sync(server, []);
  }

  #sync(server: ServerEntry, listed: readonly Tool[]): void {
    const policy: ServerToolPolicy = server.config;
    const offered = listed.filter((tool) => isToolAllowed(policy, tool.name) && (server.owner?.permits(tool.name) ?? true));
    server.tools.clear();
    for (const tool of offered) server.tools.set(tool.name, tool);
    for (const name of server.registered) this.deps.tools.unregister(name);
    server.registered.clear();
    for (const tool of offered) {
      try {
        const owner = server.owner;
        const definition = toolDefinition(policy, server.driver, tool, owner && ((userId: string) => owner.allows(userId)));
        this.deps.tools.register(definition);
        server.registered.add(definition.name);
      } catch (error) {
        // One bad tool (a schema Ajv refuses, a name taken by another tool) must not hide the others.
        this.deps.logger.error({ err: error, server: server.config.id, tool: tool.name }, 'could not offer an MCP tool to agents');
      }
    }
    this.deps.logger.info({ server: server.config.id, tools: [...server.tools.keys()] }, 'MCP server tools');
  }
}

async function withinGrace(work: Promise<unknown>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
    timer.unref();
  });
  await Promise.race([work, grace]);
  clearTimeout(timer);
}
