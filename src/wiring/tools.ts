/** The tools and agents every deployment has: the native tools, and the agent catalog over them. */
import type { Config } from '../config.js';
import { contextTools } from '../drivers/context/index.js';
import type { DriverRegistry, ProjectFile } from '../drivers/index.js';
import type { Clock, Logger, StateStore } from '../kernel/index.js';
import { createAgentCatalog, type AgentCatalog } from '../registries/agents/index.js';
import { createToolRegistry, emitEventTool, type ToolDefinition, type ToolRegistry } from '../registries/tools/index.js';

/** The native tools: the Context Hub's (answered by the context driver) and emit_event. */
export function nativeTools(): ToolDefinition[] {
  return [...contextTools(), emitEventTool()];
}

export interface AgentSystem {
  tools: ToolRegistry;
  agents: AgentCatalog;
}

/** The tool registry with the native tools, and the catalog of built-in, project and user agents. Throws on a bad project agent. */
export function createAgentSystem(config: Config, project: ProjectFile, drivers: DriverRegistry, ports: { state: StateStore; clock: Clock; logger: Logger }): AgentSystem {
  const tools = createToolRegistry(nativeTools());
  const agents = createAgentCatalog({
    ...ports,
    tools,
    projectAgents: project.agents,
    projectFile: config.configFile,
    driverIds: () => drivers.all().map((driver) => driver.manifest.id),
    cacheMs: config.agents.cacheMs,
  });
  return { tools, agents };
}
