/**
 * The project's MCP servers (`mcp_servers:`): settings resolved into headers and environments,
 * one connection per server, their tools in the tool registry, and the drivers that answer
 * `tool.call`: `mcp` always (it also says "no such server"), `mcp-local` when a server is
 * configured `external: false`.
 */
import type { Config } from '../config.js';
import type { ProjectFile } from '../drivers/index.js';
import { createMcpDriver, McpServers, resolveServer, type Backoff } from '../drivers/mcp/index.js';
import type { Driver, Logger, StateStore } from '../kernel/index.js';
import type { ToolRegistry } from '../registries/tools/index.js';

/** How long the host's start waits for servers to connect; a slower server's tools join when it is up. */
const START_GRACE_MS = 10_000;

export interface McpSystem {
  servers: McpServers;
  drivers: Driver[];
  /** One `/api/health` check per server: ok while it runs or is starting, not ok while it is down. */
  healthChecks(): Record<string, { ok: boolean; detail?: string }>;
}

export interface McpPorts {
  tools: ToolRegistry;
  state: StateStore;
  logger: Logger;
  /** Restart backoff for crashed stdio servers (default 0.5 s doubling to 30 s). */
  backoff?: Backoff;
}

/** Throws, naming the server, for an entry whose settings are missing or whose URL is bad. */
export function createMcpSystem(config: Config, project: ProjectFile, ports: McpPorts): McpSystem {
  const resolved = project.mcpServers.map((entry) => resolveServer(entry, project.baseDir, config.mcp.setting));
  const servers = new McpServers(resolved, { tools: ports.tools, logger: ports.logger, ...(ports.backoff && { backoff: ports.backoff }) });
  const drivers = [createMcpDriver({ id: 'mcp', servers, state: ports.state, startGraceMs: START_GRACE_MS, ownsLifecycle: true })];
  if (resolved.some((server) => !server.external)) drivers.push(createMcpDriver({ id: 'mcp-local', servers, state: ports.state, startGraceMs: START_GRACE_MS, ownsLifecycle: false }));
  return {
    servers,
    drivers,
    healthChecks() {
      return Object.fromEntries(
        Object.entries(servers.status()).map(([id, status]) => {
          const detail = status.state === 'ready'
            ? `ready: ${status.tools} tools${status.pid === undefined ? '' : `, pid ${status.pid}`}${status.restarts > 0 ? `, ${status.restarts} restarts` : ''}`
            : `${status.state}${status.error === undefined ? '' : `: ${status.error}`}`;
          return [`mcp:${id}`, { ok: status.state === 'ready' || status.state === 'connecting', detail }];
        }),
      );
    },
  };
}
