/**
 * The Function App as the Functions host would run it, with real SDKs against protocol peers
 * started here: the AMQP test broker for Service Bus, the Cosmos protocol server for Cosmos DB.
 * The Functions host itself cannot run here (its installer downloads the runtime), so a
 * peek-lock receiver plays its part: it hands each message's body and trigger metadata to the
 * registered handler, as the host does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import functions from '@azure/functions';
import type { CosmosClientOptions } from '@azure/cosmos';
import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import { loadConfig } from '../../src/config.js';
import { createHttpHandler } from '../../src/functions/http-adapter.js';
import { createQueueHandler } from '../../src/functions/queue-handler.js';
import { composeAzure, type AzureSystem } from '../../src/hosts/azure/index.js';
import { DevTokenAuthenticator, signDevToken, type Policy } from '../../src/security/index.js';
import { startAmqpBroker, type AmqpBroker } from './amqp-broker/index.js';
import { startCosmosServer, type CosmosTestServer } from './cosmos-server.js';
import { silentLogger } from './kernel-fixture.js';

const { HttpRequest, InvocationContext } = functions;
export const QUEUE = 'events';
const sample = (await import('../../local.settings.sample.json', { with: { type: 'json' } })).default as { Values: Record<string, string> };
/** The Cosmos database the app uses (local.settings.sample.json's). */
export const DATABASE = sample.Values['COSMOS_DATABASE'] ?? 'vextir';

export interface FunctionAppOptions {
  /** Driver modules (absolute paths) with their options, as in vextir.config.yaml. */
  drivers: Array<{ module: string; options?: Record<string, unknown> }>;
  /** The global policy set (VEXTIR_POLICY_FILE); default: the built-in defaults. */
  policies?: readonly Policy[] | readonly Record<string, unknown>[];
  /** The queue's lock duration. */
  lockMs: number;
  /** More settings over local.settings.sample.json's. */
  env?: Record<string, string>;
  /** Options of the app's Cosmos client (e.g. SDK plugins). */
  cosmosOptions?: Partial<CosmosClientOptions>;
  /** Renew the receiver's locks automatically (the SDK's default); off: a "dead" host's lock runs out. */
  renewLocks?: boolean;
}

export interface FunctionApp {
  broker: AmqpBroker;
  cosmos: CosmosTestServer;
  serviceBus: ServiceBusClient;
  /** The host's side of the queue. */
  receiver: ServiceBusReceiver;
  system: AzureSystem;
  /** The registered HTTP function. */
  http: ReturnType<typeof createHttpHandler>;
  /** A token the app accepts (dev tokens stand in for Entra ID here). */
  token(user: string): Promise<string>;
  /** POSTs a structured CloudEvent to /api/events. */
  post(body: unknown, token: string): ReturnType<ReturnType<typeof createHttpHandler>>;
  /** Hands a received message to the UniversalEventProcessor as the host would. */
  invoke(message: ServiceBusReceivedMessage): Promise<void>;
  close(): Promise<void>;
}

/** What the Functions host passes as `triggerMetadata`: deliveryCount counts this delivery (starts at 1). */
export function triggerMetadataOf(message: ServiceBusReceivedMessage): Record<string, unknown> {
  return {
    deliveryCount: (message.deliveryCount ?? 0) + 1,
    messageId: message.messageId,
    contentType: message.contentType,
    subject: message.subject,
    correlationId: message.correlationId,
    applicationProperties: message.applicationProperties,
  };
}

export async function startFunctionApp(options: FunctionAppOptions): Promise<FunctionApp> {
  const broker = await startAmqpBroker({ lockDurationMs: options.lockMs });
  const cosmos = await startCosmosServer();
  const dir = mkdtempSync(join(tmpdir(), 'vextir-azure-'));
  const configFile = join(dir, 'vextir.config.json');
  writeFileSync(configFile, JSON.stringify({ drivers: options.drivers }));
  const env: Record<string, string> = { ...sample.Values, COSMOS_ENDPOINT: cosmos.endpoint, VEXTIR_CONFIG: configFile, VEXTIR_RETRY_BASE_MS: '50', ...options.env };
  if (options.policies !== undefined) {
    env['VEXTIR_POLICY_FILE'] = join(dir, 'policies.json');
    writeFileSync(env['VEXTIR_POLICY_FILE'], JSON.stringify({ policies: options.policies }));
  }
  const serviceBus = new ServiceBusClient(broker.connectionString);
  const receiver = serviceBus.createReceiver(QUEUE, { receiveMode: 'peekLock', ...(options.renewLocks === false && { maxAutoLockRenewalDurationInMs: 0 }) });
  const secret = new Uint8Array(randomBytes(32));
  const system = await composeAzure(loadConfig(env), silentLogger, {
    serviceBus,
    cosmos: cosmos.client(options.cosmosOptions),
    authenticator: new DevTokenAuthenticator(secret),
  });
  const http = createHttpHandler(async () => system.api);
  const processorHandler = createQueueHandler(async () => system);
  return {
    broker,
    cosmos,
    serviceBus,
    receiver,
    system,
    http,
    token: (user) => signDevToken(secret, user),
    post: (body, token) =>
      http(
        new HttpRequest({
          method: 'POST',
          url: 'https://func.example/api/events',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
          body: { string: JSON.stringify(body) },
        }),
        new InvocationContext({ functionName: 'api' }),
      ),
    invoke: (message) => processorHandler(message.body, new InvocationContext({ functionName: 'UniversalEventProcessor', triggerMetadata: triggerMetadataOf(message) })),
    async close() {
      await system.close();
      await receiver.close();
      await serviceBus.close();
      await broker.close();
      await cosmos.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
