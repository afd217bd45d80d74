/**
 * The agents users define for themselves (PUT /api/agents/{id}) run in one registered driver,
 * `agents`: the driver registry is fixed at start-up, user agents come and go. Dynamic routes
 * send it the events that start one of the user's agents; the replies to their runs are addressed
 * to it like to any agent driver. Each run keeps its agent's definition, so an edit applies to the
 * next run, not to one under way.
 */
import type { Driver, DynamicRoutes } from '../../kernel/index.js';
import type { AgentCatalog } from '../../registries/agents/index.js';
import { defineDriver } from '../define-driver.js';
import { AGENT_RESOURCES, runStartOf } from './agent-driver.js';
import type { AgentRuntime } from './runtime.js';

export const USER_AGENTS_DRIVER = 'agents';

export function createUserAgentsDriver(catalog: AgentCatalog, runtime: AgentRuntime): Driver {
  return defineDriver({
    manifest: {
      id: USER_AGENTS_DRIVER,
      name: 'User agents',
      version: '1.0.0',
      type: 'agent',
      description: "Runs each user's own agents; routed by dynamic routes, answered by addressed replies",
      // Reached through dynamic routes and replies; this type is never emitted.
      capabilities: ['agents.host'],
      external: false,
      resources: AGENT_RESOURCES,
    },
    async handle(event, context) {
      if (event.recipient === USER_AGENTS_DRIVER) return runtime.resume(event, context.trace);
      const entries = await catalog.userAgentsFor(event.userid, event.type);
      const started = await Promise.all(entries.map((entry) => runtime.start(runStartOf(entry.definition, USER_AGENTS_DRIVER, event))));
      return started.flat();
    },
  });
}

/** Routes an event to the user-agents driver when one of its user's agents starts on its type. */
export function userAgentRoutes(catalog: AgentCatalog): DynamicRoutes {
  const routed: readonly string[] = [USER_AGENTS_DRIVER];
  const none: readonly string[] = [];
  return {
    driversFor: async (event) => ((await catalog.userAgentsFor(event.userid, event.type)).length > 0 ? routed : none),
  };
}
