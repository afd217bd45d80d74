/** The host-neutral core. Each host composes its own ports around it (src/hosts/). */
export { composeCore, probeCheck, type Core, type HostPorts } from './core.js';
export { builtInDrivers, loadDrivers, type BuiltInDriverDeps } from './drivers.js';
export { createIo, type IoDeps, type IoSystem, type MailboxWatchers } from './io.js';
export { loadPolicyFile } from './policy-file.js';
export { createAgentSystem, nativeTools, type AgentSystem } from './tools.js';
export { combineRoutes, createPlans, type PlanWiring } from './plans.js';
