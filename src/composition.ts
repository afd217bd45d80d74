/**
 * Wires ports, registries, drivers and the processor for one mode. The only module that knows
 * which adapters exist; everything it builds is handed to the hosts (local host, Functions).
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createApi, DEFAULT_API_LIMITS, type Api, type ApiServices, type HealthReport } from './api/index.js';
import { acquireHostLock, createHttpServer, openLocalStorage, type LocalStorage } from './adapters/local/index.js';
import { WorkSignal } from './adapters/work-signal.js';
import type { Config } from './config.js';
import { createDriverRegistry, createPingDriver, loadDriverModules, readProjectFile, type DriverRegistry } from './drivers/index.js';
import { createContextDriver } from './drivers/context/index.js';
import { ContextWorkspace } from './kernel/context/workspace.js';
import type { ContextStore } from './kernel/ports/context.js';
import { EventProcessor, KernelMetrics, QueueWorker, systemClock, type Clock, type Driver, type Logger } from './kernel/index.js';
import {
  CachingAuthenticator,
  DevTokenAuthenticator,
  createSecuritySystem,
  installGlobalPolicies,
  loadOrCreateDevSecret,
  parsePolicyDocument,
  type GrantStore,
  type Policy,
  type SecuritySystem,
} from './security/index.js';
import { VERSION } from './version.js';

export interface LocalSystem {
  api: Api;
  storage: LocalStorage;
  registry: DriverRegistry;
  processor: EventProcessor;
  worker: QueueWorker;
  metrics: KernelMetrics;
  security: SecuritySystem;
}

/** What the built-in drivers need from the deployment's stores. */
export interface BuiltInDriverDeps {
  context: ContextStore;
  grants: GrantStore;
  workspace: ContextWorkspace;
}

/** The built-in drivers every deployment has. */
export function builtInDrivers(deps: BuiltInDriverDeps): Driver[] {
  return [createPingDriver(), createContextDriver({ store: deps.context, grants: deps.grants, workspace: deps.workspace })];
}

/** Built-ins plus the user's modules from the project file. */
export async function loadDrivers(config: Config, deps: BuiltInDriverDeps): Promise<DriverRegistry> {
  const project = readProjectFile(config.configFile);
  const userDrivers = await loadDriverModules(project.drivers, project.baseDir);
  return createDriverRegistry([...builtInDrivers(deps), ...userDrivers]);
}

/** The policy document named by VEXTIR_POLICY_FILE (YAML unless it ends in .json), if any. */
export function loadPolicyFile(config: Config): Policy[] | undefined {
  if (config.policies.file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(config.policies.file, 'utf8');
  } catch (error) {
    throw new Error(`VEXTIR_POLICY_FILE: cannot read ${config.policies.file}: ${(error as Error).message}`, { cause: error });
  }
  return parsePolicyDocument(text, extname(config.policies.file).toLowerCase() === '.json' ? 'json' : 'yaml');
}

export async function composeLocal(config: Config, logger: Logger, clock: Clock = systemClock): Promise<LocalSystem> {
  const storage = openLocalStorage({
    file: join(config.dataDir, 'vextir.db'),
    synchronous: config.sqlite.synchronous,
    clock,
    lockMs: config.worker.lockMs,
    maxDeliveryCount: config.processor.maxDeliveryCount,
    contextLimits: config.context,
    backgroundCheckpoint: { onProblem: (message) => logger.warn(message) },
  });
  const metrics = new KernelMetrics(() => storage.queue.depth());
  const security = createSecuritySystem(storage.state, clock, logger, { policyCacheMs: config.policies.cacheMs });
  const workspace = new ContextWorkspace(storage.context, storage.state, () => clock.now());
  let registry: DriverRegistry;
  try {
    registry = await loadDrivers(config, { context: storage.context, grants: security.grants, workspace });
  } catch (error) {
    storage.close(); // a bad driver module must not leave the database open
    throw error;
  }
  const processor = new EventProcessor({
    store: storage.store,
    drivers: registry,
    authorizer: security.authorizer,
    usage: security.usage,
    clock,
    logger,
    observer: metrics,
    options: config.processor,
  });
  const changes = new WorkSignal();
  const worker = new QueueWorker(storage.queue, processor, logger, {
    concurrency: config.worker.concurrency,
    idleWaitMs: 1000,
    errorDelayMs: 1000,
    onSettled: () => changes.notify(),
  });
  const started = Date.now();
  const services: ApiServices = {
    bus: storage.queue,
    deadLetters: storage.queue,
    store: storage.store,
    audit: storage.audit,
    clock,
    logger,
    authenticator: new CachingAuthenticator(new DevTokenAuthenticator(loadOrCreateDevSecret(config.dataDir), { adminRole: config.auth.adminRole })),
    metrics,
    drivers: () =>
      registry.all().map((driver) => {
        const stats = processor.runners.get(driver.manifest.id)?.stats;
        return { manifest: driver.manifest, stats: stats ? { ...stats } : { invocations: 0, failures: 0, timeouts: 0, inFlight: 0 } };
      }),
    health: async (): Promise<HealthReport> => {
      const checks: HealthReport['checks'] = {};
      try {
        checks['store'] = { ok: true, detail: `queue depth ${await storage.queue.depth()}` };
      } catch (error) {
        checks['store'] = { ok: false, detail: (error as Error).message };
      }
      const ok = Object.values(checks).every((check) => check.ok);
      return { status: ok ? 'ok' : 'degraded', mode: 'local', version: VERSION, uptimeSeconds: Math.round((Date.now() - started) / 1000), checks };
    },
    waitForChanges: (maxWaitMs, signal) => changes.wait(maxWaitMs, signal),
    sharedCommit: true, // queue and store are one SQLite file with group commit
    limits: { ...DEFAULT_API_LIMITS, maxBodyBytes: config.api.maxBodyBytes, maxBatchSize: config.api.maxBatchSize, maxContextDocumentBytes: config.context.maxDocumentBytes },
    security,
    context: storage.context,
    contextWorkspace: workspace,
  };
  return { api: createApi(services), storage, registry, processor, worker, metrics, security };
}

export interface RunningLocalHost {
  url: string;
  system: LocalSystem;
  /** Stop taking work, finish or release in-flight messages, close the database. Idempotent. */
  stop(): Promise<void>;
}

/** `vextir start`: the whole system on the embedded default. */
export async function startLocal(config: Config, logger: Logger): Promise<RunningLocalHost> {
  const lock = acquireHostLock(config.dataDir);
  let system: LocalSystem | undefined;
  try {
    system = await composeLocal(config, logger);
    // We are the only host on this folder: leases held by a crashed predecessor are void.
    const reclaimed = system.storage.queue.releaseExpiredAndOrphanedLocks();
    if (reclaimed > 0) logger.warn({ reclaimed }, 'reclaimed messages leased by a previous process that did not shut down');
    await installGlobalPolicies(system.security, loadPolicyFile(config), logger);
    await system.registry.initAll();
  } catch (error) {
    system?.storage.close(); // a bad policy file or driver init must not leave the database open
    lock.release();
    throw error;
  }
  const server = createHttpServer(system.api, logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host}:${port}`;
  system.worker.start();
  logger.info({ url, dataDir: config.dataDir, drivers: system.registry.all().map((d) => d.manifest.id) }, 'Vextir OS is running');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info('shutting down: no new requests or messages');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await system.worker.stop(config.worker.shutdownGraceMs);
      server.closeAllConnections(); // live streams end here
      await closed;
      await system.registry.shutdownAll((driverId, error) => logger.error({ err: error, driverId }, 'driver shutdown failed'));
      await system.security.usage.flush().catch((error: unknown) => logger.error({ err: error }, 'could not write the last usage counts'));
      system.storage.close();
      lock.release();
      logger.info('stopped');
    })());
  return { url, system, stop };
}
