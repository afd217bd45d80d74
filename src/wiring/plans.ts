/**
 * The plans subsystem over the host's ports: plan state in the StateStore, waits looking back in
 * the EventStore, cron triggers as the scheduler's schedules, tool steps through the tool
 * registry, and every event a plan publishes through the kernel's ingest.
 */
import { ingest, KernelError, type Clock, type DynamicRoutes, type EventBus, type EventStore, type Logger, type StateStore } from '../kernel/index.js';
import { PlanSystem, type PlanTools } from '../plans/index.js';
import type { ToolRegistry } from '../registries/tools/index.js';
import type { Scheduler } from '../scheduler/index.js';

export interface PlanWiring {
  state: StateStore;
  store: EventStore;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  scheduler: Scheduler;
  tools: ToolRegistry;
  sharedCommit?: boolean;
}

export function createPlans(deps: PlanWiring): PlanSystem {
  const ingress = { bus: deps.bus, store: deps.store, clock: deps.clock, ...(deps.sharedCommit !== undefined && { sharedCommit: deps.sharedCommit }) };
  return new PlanSystem({
    state: deps.state,
    events: deps.store,
    schedules: deps.scheduler,
    tools: planTools(deps.tools),
    publish: async (events, notBefore) => {
      await ingest(events, ingress, notBefore === undefined ? {} : { notBefore });
    },
    clock: deps.clock,
    logger: deps.logger,
  });
}

/** A call_tool step asks the tool registry, as an agent's tool call does: same schemas, same events. */
function planTools(tools: ToolRegistry): PlanTools {
  return {
    has: (name) => tools.get(name) !== undefined,
    toEvent(name, args) {
      const tool = tools.get(name);
      if (tool === undefined) throw new KernelError('invalid_input', `no tool is named "${name}"`);
      const checked = tools.validate(tool, args);
      if (!checked.ok) throw new KernelError('invalid_input', `the arguments of ${name} do not fit: ${checked.issues.join('; ')}`);
      return tool.toEvent(checked.value);
    },
  };
}

/** Both sets of dynamic routes: an event goes to every driver either names. */
export function combineRoutes(...routes: readonly DynamicRoutes[]): DynamicRoutes {
  return {
    driversFor(event) {
      const answers = routes.map((each) => each.driversFor(event));
      if (answers.some((answer) => answer instanceof Promise)) return Promise.all(answers.map((answer) => Promise.resolve(answer))).then((all) => [...new Set(all.flat())]);
      const flat = (answers as Array<readonly string[]>).flat();
      return flat.length === 0 ? flat : [...new Set(flat)];
    },
  };
}
