/**
 * Wiring for Azure: Service Bus for the bus, Cosmos DB for the store, Entra ID for callers.
 * Clients are created from the namespace / endpoint with DefaultAzureCredential (managed
 * identity), or from a connection string / key where one is configured. Tests pass their own
 * clients (pointed at the AMQP test broker and the Cosmos protocol server).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import { createApi, DEFAULT_API_LIMITS, type Api, type HealthReport } from './api/index.js';
import { ServiceBusDeadLetterQueue, ServiceBusEventBus, TriggerRetries, deliveryFromTrigger, openCosmosStore } from './adapters/azure/index.js';
import type { AzureConfig, Config } from './config.js';
import { loadDrivers, loadPolicyFile } from './composition.js';
import { ContextWorkspace } from './kernel/context/workspace.js';
import { EventProcessor, KernelMetrics, handleTriggeredMessage, systemClock, type Clock, type Logger } from './kernel/index.js';
import { createAzureAuthenticator, createSecuritySystem, installGlobalPolicies, type Authenticator } from './security/index.js';
import { VERSION } from './version.js';

export interface AzureSystem {
  api: Api;
  processor: EventProcessor;
  /** The UniversalEventProcessor: one Service Bus message, as the Functions trigger hands it over. */
  handleQueueMessage(message: unknown, triggerMetadata: Record<string, unknown> | undefined): Promise<void>;
  close(): Promise<void>;
}

export interface AzureClients {
  serviceBus?: ServiceBusClient;
  cosmos?: CosmosClient;
  authenticator?: Authenticator;
  clock?: Clock;
}

export async function composeAzure(config: Config, logger: Logger, clients: AzureClients = {}): Promise<AzureSystem> {
  const azure = config.azure;
  if (!azure) throw new Error('composeAzure needs VEXTIR_MODE=azure and its settings');
  const clock = clients.clock ?? systemClock;
  const serviceBus = clients.serviceBus ?? serviceBusClient(azure);
  const cosmos = clients.cosmos ?? cosmosClient(azure);
  // Provisioned by infra/; creating them here too keeps `func start` against a fresh account simple.
  const { store, audit, state, context } = await openCosmosStore({ client: cosmos, databaseId: azure.cosmos.database, createIfNotExists: true, context: { clock, limits: config.context } });
  const contextWorkspace = new ContextWorkspace(context, state, () => clock.now());
  const security = createSecuritySystem(state, clock, logger, { policyCacheMs: config.policies.cacheMs });
  await installGlobalPolicies(security, loadPolicyFile(config), logger);
  const bus = new ServiceBusEventBus(serviceBus, azure.serviceBus.queue);
  const retries = new TriggerRetries(serviceBus, azure.serviceBus.queue, clock);
  const registry = await loadDrivers(config, { context, grants: security.grants, workspace: contextWorkspace });
  await registry.initAll();
  const metrics = new KernelMetrics();
  const processor = new EventProcessor({
    store,
    drivers: registry,
    authorizer: security.authorizer,
    usage: security.usage,
    clock,
    logger,
    observer: metrics,
    options: config.processor,
  });
  const started = Date.now();
  const api = createApi({
    bus,
    deadLetters: new ServiceBusDeadLetterQueue(serviceBus, azure.serviceBus.queue),
    store,
    audit,
    clock,
    logger,
    // Entra ID only (plus App Service principals if trusted): never dev tokens.
    authenticator: clients.authenticator ?? createAzureAuthenticator({ ...azure.entra, adminRole: config.auth.adminRole, trustAppServiceAuth: azure.trustAppServiceAuth }),
    metrics,
    drivers: () =>
      registry.all().map((driver) => ({
        manifest: driver.manifest,
        stats: { ...(processor.runners.get(driver.manifest.id)?.stats ?? { invocations: 0, failures: 0, timeouts: 0, inFlight: 0 }) },
      })),
    health: async (): Promise<HealthReport> => {
      const checks: HealthReport['checks'] = {};
      try {
        await store.get('health-check', 'probe'); // a point read: proves the account answers
        checks['cosmos'] = { ok: true };
      } catch (error) {
        checks['cosmos'] = { ok: false, detail: (error as Error).message };
      }
      const ok = Object.values(checks).every((check) => check.ok);
      return { status: ok ? 'ok' : 'degraded', mode: 'azure', version: VERSION, uptimeSeconds: Math.round((Date.now() - started) / 1000), checks };
    },
    // Instances share nothing in memory: live streams poll the store.
    waitForChanges: (maxWaitMs, signal) => sleep(maxWaitMs, undefined, { signal }).catch(() => undefined),
    limits: { ...DEFAULT_API_LIMITS, maxBodyBytes: config.api.maxBodyBytes, maxBatchSize: config.api.maxBatchSize, maxContextDocumentBytes: config.context.maxDocumentBytes },
    security,
    context,
    contextWorkspace,
  });
  return {
    api,
    processor,
    async handleQueueMessage(message, triggerMetadata) {
      const { body, deliveryCount } = deliveryFromTrigger(message, triggerMetadata);
      await handleTriggeredMessage(body, { deliveryCount }, { processor, targets: { bus, store, audit }, retries: retries.forMessage(triggerMetadata), logger });
    },
    async close() {
      processor.stop();
      await registry.shutdownAll((driverId, error) => logger.error({ err: error, driverId }, 'driver shutdown failed'));
      await security.usage.flush().catch((error: unknown) => logger.error({ err: error }, 'could not write the last usage counts'));
      await Promise.all([bus.close(), retries.close()]);
      if (!clients.serviceBus) await serviceBus.close();
      if (!clients.cosmos) cosmos.dispose();
    },
  };
}

function serviceBusClient(azure: AzureConfig): ServiceBusClient {
  if (azure.serviceBus.connectionString) return new ServiceBusClient(azure.serviceBus.connectionString);
  return new ServiceBusClient(azure.serviceBus.namespace ?? '', new DefaultAzureCredential());
}

function cosmosClient(azure: AzureConfig): CosmosClient {
  if (azure.cosmos.key) return new CosmosClient({ endpoint: azure.cosmos.endpoint, key: azure.cosmos.key });
  return new CosmosClient({ endpoint: azure.cosmos.endpoint, aadCredentials: new DefaultAzureCredential() });
}
