/**
 * The project's MCP servers: one connection each, and their tools kept in the tool registry as
 * they come and go (connect, `tools/list_changed`, shutdown). Agents see the tools their scope
 * allows (`mcp:github/*`) at the moment a run asks for its tools.
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
    for (const config of configs) {
      const tools = new Map<string, Tool>();
      const registered = new Set<string>();
      const driver = driverIdOf(config);
      const connection = new McpConnection(config, { logger: deps.logger, onTools: (listed) => this.#sync(entry, listed), ...(deps.backoff && { backoff: deps.backoff }) });
      const entry: ServerEntry = { config, driver, connection, tools, registered };
      this.#servers.set(config.id, entry);
    }
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
    const attempts = Promise.all(this.all().map((server) => server.connection.start()));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([attempts, grace]);
    clearTimeout(timer);
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
    const offered = listed.filter((tool) => isToolAllowed(policy, tool.name));
    server.tools.clear();
    for (const tool of offered) server.tools.set(tool.name, tool);
    for (const name of server.registered) this.deps.tools.unregister(name);
    server.registered.clear();
    for (const tool of offered) {
      try {
        const definition = toolDefinition(policy, server.driver, tool);
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
