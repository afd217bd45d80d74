/**
 * Azure's ports around the core: Service Bus for the bus, Cosmos DB for the stores, Entra ID for
 * callers. Used by the Function App (src/functions) and by the standalone worker. Tests pass
 * their own clients (pointed at the AMQP test broker and the Cosmos protocol server).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CosmosClient } from '@azure/cosmos';
import type { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusDeadLetterQueue, ServiceBusEventBus, TriggerRetries, openCosmosStore, type CopySource, type CosmosStore } from '../../adapters/azure/index.js';
import type { AzureConfig, Config } from '../../config.js';
import { type Clock, type DeliveryInfo, handleTriggeredMessage, type Logger, systemClock } from '../../kernel/index.js';
import { createAzureAuthenticator, type Authenticator } from '../../security/index.js';
import { composeCore, probeCheck, type Core } from '../../wiring/index.js';
import { azureOpenAiTokenProvider, cosmosClient, serviceBusClient } from './clients.js';
import { azureMonitorExporter } from './tracing.js';

/** One message as the Functions trigger hands it over, already parsed (src/functions/service-bus-trigger.ts). */
export interface TriggeredMessage {
  /** The attempt number the processor needs (Service Bus counts deliveries of one message; see attemptOf). */
  delivery: DeliveryInfo;
  /** The message itself, body parsed: what a retry copy is made from. */
  message: CopySource;
}

export interface AzureSystem extends Core {
  serviceBus: ServiceBusClient;
  stores: CosmosStore;
  bus: ServiceBusEventBus;
  /** The UniversalEventProcessor: one Service Bus message that the trigger settles itself. */
  handleQueueMessage(triggered: TriggeredMessage): Promise<void>;
}

export interface AzureClients {
  serviceBus?: ServiceBusClient;
  cosmos?: CosmosClient;
  authenticator?: Authenticator;
  clock?: Clock;
}

export async function composeAzure(config: Config, logger: Logger, clients: AzureClients = {}): Promise<AzureSystem> {
  const azure = requireAzure(config);
  const clock = clients.clock ?? systemClock;
  const serviceBus = clients.serviceBus ?? serviceBusClient(azure);
  const cosmos = clients.cosmos ?? cosmosClient(azure);
  // Provisioned by infra/; creating them here too keeps `func start` against a fresh account simple.
  const stores = await openCosmosStore({ client: cosmos, databaseId: azure.cosmos.database, createIfNotExists: true, context: { clock, limits: config.context } });
  const bus = new ServiceBusEventBus(serviceBus, azure.serviceBus.queue);
  const retries = new TriggerRetries(serviceBus, azure.serviceBus.queue, clock);
  const azureOpenAiToken = azureOpenAiTokenProvider(config.models);
  const core = await composeCore(config, {
    mode: 'azure',
    ...(azureOpenAiToken && { azureOpenAiToken }),
    azureMonitorExporter,
    bus,
    deadLetters: new ServiceBusDeadLetterQueue(serviceBus, azure.serviceBus.queue),
    store: stores.store,
    audit: stores.audit,
    state: stores.state,
    context: stores.context,
    // Entra ID only (plus App Service principals if trusted): never dev tokens.
    authenticator: clients.authenticator ?? createAzureAuthenticator({ ...azure.entra, adminRole: config.auth.adminRole, trustAppServiceAuth: azure.trustAppServiceAuth }),
    clock,
    logger,
    // A point read proves the account answers.
    healthChecks: async () => ({ cosmos: await probeCheck(async () => void (await stores.store.get('health-check', 'probe'))) }),
    // Instances share nothing in memory: live streams poll the store.
    waitForChanges: (_userId, maxWaitMs, signal) => sleep(maxWaitMs, undefined, { signal }).catch(() => undefined),
  });
  await core.start();
  const targets = { bus, store: stores.store, audit: stores.audit };
  return {
    ...core,
    serviceBus,
    stores,
    bus,
    async handleQueueMessage({ delivery, message }) {
      await handleTriggeredMessage(message.body, delivery, { processor: core.processor, targets, retries: retries.forMessage(message), logger });
    },
    async close() {
      await core.close();
      await Promise.all([bus.close(), retries.close()]);
      if (!clients.serviceBus) await serviceBus.close();
      if (!clients.cosmos) cosmos.dispose();
    },
  };
}

function requireAzure(config: Config): AzureConfig {
  if (!config.azure) throw new Error('the Azure host needs VEXTIR_MODE=azure and its settings');
  return config.azure;
}
