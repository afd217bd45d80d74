/**
 * The system both hosts share, built once from the ports a host gives it: security, the Context
 * Hub's workspace, the drivers, the processor, metrics and the HTTP API. A host (the embedded
 * default, the Function App, the standalone worker) adds only its own ports and its start-up.
 */
import { createApi, DEFAULT_API_LIMITS, type Api, type ApiServices, type HealthReport } from '../api/index.js';
import type { Config } from '../config.js';
import { readProjectFile, type DriverRegistry } from '../drivers/index.js';
import { ContextWorkspace } from '../kernel/context/index.js';
import { type AuditLog, type CacheGeneration, localCacheGeneration, type Clock, type ContextStore, type DeadLetterQueue, type DriverStatsReport, type EventBus, EventProcessor, type EventStore, ingest, type Logger, type ProcessorObserver, type StateStore } from '../kernel/index.js';
import { PrometheusMetrics } from '../metrics/index.js';
import type { AgentCatalog } from '../registries/agents/index.js';
import type { ToolRegistry } from '../registries/tools/index.js';
import { createSecuritySystem, installGlobalPolicies, type Authenticator, type SecuritySystem } from '../security/index.js';
import { createModelRegistry, type ModelRegistry } from '../registries/models/index.js';
import { Scheduler, ScheduleStore } from '../scheduler/index.js';
import { VERSION } from '../version.js';
import { loadDrivers } from './drivers.js';
import { createMcpSystem } from './mcp.js';
import { loadPolicyFile } from './policy-file.js';
import { createIo, type MailboxWatchers } from './io.js';
import { createAgentSystem } from './tools.js';
import { combineRoutes, createPlans } from './plans.js';
import type { PlanSystem } from '../plans/index.js';
import { ensurePlaced, PackStore } from '../packs/index.js';
import { UiAppStore } from '../ui/index.js';
import type { Tracing } from '../tracing/index.js';
import { startTracing, type AzureMonitorExporterFactory } from './tracing.js';
import { packContentTarget } from './pack-contents.js';
import { auditViolations, sandboxStarter } from './pack-sandbox.js';
import { createPackMcp } from './pack-mcp.js';
import { createPackDirectory, createPackRuntime, createPackSystem, packGrants, type PackSystem } from './packs.js';

/** What a host provides: its bus and stores, how callers authenticate, and what health means there. */
export interface HostPorts {
  mode: HealthReport['mode'];
  bus: EventBus;
  deadLetters: DeadLetterQueue;
  store: EventStore;
  audit: AuditLog;
  state: StateStore;
  context: ContextStore;
  authenticator: Authenticator;
  clock: Clock;
  logger: Logger;
  /** The host's own checks for `GET /api/health` (is the store reachable?). */
  healthChecks(): Promise<HealthReport['checks']>;
  /** Resolves when `userId`'s stored events may have changed (wakes their live streams) or after `maxWaitMs`. */
  waitForChanges: (userId: string, maxWaitMs: number, signal: AbortSignal) => Promise<void>;
  /** Messages waiting, for the queue-depth gauge, where the bus can tell cheaply. */
  queueDepth?: () => Promise<number>;
  /** Bus and store commit in one transaction (the embedded default): see IngressDeps.sharedCommit. */
  sharedCommit?: boolean;
  /**
   * Entra ID bearer tokens for Azure OpenAI (scope https://cognitiveservices.azure.com/.default)
   * from the host's managed identity, used when AZURE_OPENAI_API_KEY is not set. Only the Azure
   * host has one: the embedded default loads no Azure SDK.
   */
  azureOpenAiToken?: () => Promise<string>;
  /** Spans to Application Insights, when APPLICATIONINSIGHTS_CONNECTION_STRING is set: only the Azure host has it. */
  azureMonitorExporter?: AzureMonitorExporterFactory;
  /**
   * Shared by every thread of a host over one store, so a policy or agent changed through one
   * thread applies in all at once (see CacheGeneration). Default: this core's own.
   */
  cacheGeneration?: CacheGeneration;
  /**
   * Where the processor reports what it settled and ran, instead of this core's metrics: a
   * processor thread passes what it observes to the metrics of the thread serving HTTP.
   */
  observer?: ProcessorObserver;
  /**
   * Driver statistics gathered elsewhere (the embedded host's processor threads), added to this
   * core's own in `GET /api/drivers`.
   */
  driverStats?: () => ReadonlyMap<string, DriverStatsReport>;
}

export interface Core {
  api: Api;
  processor: EventProcessor;
  registry: DriverRegistry;
  security: SecuritySystem;
  metrics: PrometheusMetrics;
  /** Undefined when tracing is off. */
  tracing: Tracing | undefined;
  workspace: ContextWorkspace;
  models: ModelRegistry;
  /** The tools agents may call (native now; MCP servers' tools join at run time). */
  tools: ToolRegistry;
  /** Built-in, project and user agent definitions. */
  agents: AgentCatalog;
  /** Users' schedules; a host runs its tick (startTicker, or a timer function). */
  scheduler: Scheduler;
  /** Instructions and their plans. */
  plans: PlanSystem;
  /** The configured mailboxes' watchers: hosts that run continuously start and stop them. */
  mailboxes: MailboxWatchers;
  /** Skill packs: the lifecycle, and the directory of installed packs and grants. */
  packs: PackSystem;
  /** Install the global policies (defaults or VEXTIR_POLICY_FILE) and initialize the drivers. */
  start(): Promise<void>;
  /** Abort running drivers, shut the drivers down, write the last usage counts. Never throws. */
  close(): Promise<void>;
}

/** Builds the shared system. Throws if a driver module or the project file is bad (nothing is left open). */
export async function composeCore(config: Config, host: HostPorts): Promise<Core> {
  const { clock, logger } = host;
  const metrics = new PrometheusMetrics(host.queueDepth);
  // One generation for policies, agents and packs: a change through any thread is seen by all.
  const generation = host.cacheGeneration ?? localCacheGeneration();
  const packDirectory = createPackDirectory(config, { state: host.state, clock, generation });
  const security = createSecuritySystem(host.state, clock, logger, {
    packs: packGrants(packDirectory),
    policyCacheMs: config.policies.cacheMs,
    cacheGeneration: generation,
  });
  const workspace = new ContextWorkspace(host.context, host.state, () => clock.now());
  const project = readProjectFile(config.configFile);
  const models = createModelRegistry({
    overrides: project.models,
    providers: {
      openai: config.models.openai,
      anthropic: config.models.anthropic,
      azureOpenAi: { ...config.models.azureOpenAi, tokenProvider: host.azureOpenAiToken },
      setting: config.models.setting,
    },
  });
  // The catalog asks for the registered drivers' ids only when a user stores an agent, after start-up.
  const registered: { registry?: DriverRegistry } = {};
  const agentSystem = createAgentSystem(config, project, {
    state: host.state,
    clock,
    logger,
    models,
    driverIds: () => (registered.registry?.all() ?? []).map((driver) => driver.manifest.id),
    cacheGeneration: generation,
  });
  const { tools, agents } = agentSystem;
  const io = createIo(config, project, { state: host.state, bus: host.bus, store: host.store, clock, logger, ...(host.sharedCommit !== undefined && { sharedCommit: host.sharedCommit }) });
  // MCP servers' tools join `tools` once the servers connect (at start, not here).
  const mcp = createMcpSystem(config, project, { tools, state: host.state, logger });
  const scheduler = new Scheduler({
    store: new ScheduleStore(host.state),
    // A slot's event enters like any user's event: recorded, authorized by the policies, audited.
    publish: async (event, notBefore) => {
      await ingest([event], { bus: host.bus, store: host.store, clock, ...(host.sharedCommit !== undefined && { sharedCommit: host.sharedCommit }) }, notBefore === undefined ? {} : { notBefore });
    },
    clock,
    logger,
    maxPerUser: config.scheduler.maxPerUser,
  });
  const plans = createPlans({ state: host.state, store: host.store, bus: host.bus, clock, logger, scheduler, tools, ...(host.sharedCommit !== undefined && { sharedCommit: host.sharedCommit }) });
  const uiApps = new UiAppStore(host.state);
  const installers: { of?: (pack: string) => string | undefined } = {};
  const onViolation = auditViolations(host.audit, logger, (pack) => installers.of?.(pack));
  const packPorts = { state: host.state, clock, logger, generation, startSandbox: sandboxStarter(config), onViolation };
  const packs = createPackSystem(config, packPorts, packDirectory, packContentTarget({ agents, plans, uiApps, policies: security.policies, tools }));
  installers.of = (pack) => packs.directory.fresh()?.packs.get(pack)?.installedBy;
  const builtIn = await loadDrivers(project, { context: host.context, grants: security.grants, workspace, models, modelCallTimeoutMs: config.models.timeoutMs, io: io.drivers }, [...agentSystem.drivers, ...mcp.drivers, plans.driver]);
  const { registry, runtime: packRuntime } = createPackRuntime(config, packPorts, packs.directory, builtIn, (definition, pointer) => agentSystem.compileAgent(definition, pointer));
  registered.registry = registry;
  const packMcp = createPackMcp({ servers: mcp.servers, directory: packs.directory, store: new PackStore(host.state), placed: (entry) => ensurePlaced(entry, { root: config.packs.dir, registry: config.packs.registry }), logger });
  const tracing = await startTracing(config.tracing, host.azureMonitorExporter, logger);
  const processor = new EventProcessor({
    store: host.store,
    drivers: registry,
    authorizer: security.authorizer,
    usage: security.usage,
    delayed: security.delayed,
    clock,
    logger,
    observer: host.observer ?? metrics,
    ...(tracing && { tracer: tracing.tracer }),
    dynamicRoutes: combineRoutes(agentSystem.routes, plans.routes, packRuntime, packMcp),
    options: config.processor,
  });
  const started = Date.now();
  const services: ApiServices = {
    bus: host.bus,
    deadLetters: host.deadLetters,
    store: host.store,
    audit: host.audit,
    clock,
    logger,
    authenticator: host.authenticator,
    metrics,
    drivers: () => {
      const elsewhere = host.driverStats?.();
      return registry.all().map((driver) => ({
        manifest: driver.manifest,
        stats: combineReports(processor.driverStats(driver.manifest.id), elsewhere?.get(driver.manifest.id)),
      }));
    },
    models: () => models.listing(),
    health: async () => {
      // The host's own checks (its store, its bus) decide the status. MCP servers and mailboxes are
      // listed with theirs, but one broken integration must not make a health probe take the
      // whole instance out of service: their calls answer with the reason instead.
      const own = await host.healthChecks();
      const ok = Object.values(own).every((check) => check.ok);
      const mailboxes = io.mailboxes.health();
      const checks = { ...own, ...mcp.healthChecks(), ...(mailboxes && { mailboxes }) };
      return { status: ok ? 'ok' : 'degraded', mode: host.mode, version: VERSION, uptimeSeconds: Math.round((Date.now() - started) / 1000), checks };
    },
    waitForChanges: host.waitForChanges,
    limits: { ...DEFAULT_API_LIMITS, maxBodyBytes: config.api.maxBodyBytes, maxBatchSize: config.api.maxBatchSize, maxContextDocumentBytes: config.context.maxDocumentBytes, maxDelayedEvents: config.api.maxDelayedEvents },
    security,
    context: host.context,
    contextWorkspace: workspace,
    agentRuns: agentSystem.runs,
    agents,
    schedules: scheduler,
    plans,
    tools,
    uiApps,
    packs: { service: packs.service, search: (text: string) => packs.search(text) },
    ...(host.sharedCommit !== undefined && { sharedCommit: host.sharedCommit }),
  };
  return {
    api: createApi(services),
    processor,
    registry,
    security,
    metrics,
    tracing,
    workspace,
    models,
    tools,
    agents,
    scheduler,
    plans,
    mailboxes: io.mailboxes,
    packs,
    async start() {
      await installGlobalPolicies(security, loadPolicyFile(config.policies.file), logger, await packs.globalPolicies());
      await registry.initAll();
    },
    async close() {
      await io.mailboxes.stop();
      processor.stop();
      await packRuntime.close();
      await packMcp.close();
      await registry.shutdownAll((driverId, error) => logger.error({ err: error, driverId }, 'driver shutdown failed'));
      await security.usage.flush().catch((error: unknown) => logger.error({ err: error }, 'could not write the last usage counts'));
      await tracing?.shutdown();
    },
  };
}

/**
 * This core's report of a driver and one gathered elsewhere (processor threads) as one: counters
 * added, the newer last error; latency and health are those of the side that ran last (exact
 * whenever only one side runs drivers, which is how the hosts use it).
 */
function combineReports(own: DriverStatsReport, other: DriverStatsReport | undefined): DriverStatsReport {
  if (other === undefined) return own;
  if (own.invocations === 0) return other;
  const newer = (other.lastRunAt ?? '') > (own.lastRunAt ?? '') ? other : own;
  const lastError = [own.lastError, other.lastError].filter((error) => error !== undefined).sort((x, y) => y.at.localeCompare(x.at))[0];
  return {
    ...newer,
    invocations: own.invocations + other.invocations,
    failures: own.failures + other.failures,
    timeouts: own.timeouts + other.timeouts,
    inFlight: own.inFlight + other.inFlight,
    ...(lastError !== undefined && { lastError }),
  };
}

/** A health check that runs `probe` and reports its error instead of throwing. */
export async function probeCheck(probe: () => Promise<string | undefined>): Promise<{ ok: boolean; detail?: string }> {
  try {
    const detail = await probe();
    return detail === undefined ? { ok: true } : { ok: true, detail };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
