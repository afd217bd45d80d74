/**
 * The Azure SDK clients, from the namespace / endpoint with DefaultAzureCredential (managed
 * identity), or from a connection string / key where one is configured.
 */
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import type { AzureConfig, ModelsConfig } from '../../config.js';

export function serviceBusClient(azure: AzureConfig): ServiceBusClient {
  if (azure.serviceBus.connectionString) return new ServiceBusClient(azure.serviceBus.connectionString);
  return new ServiceBusClient(azure.serviceBus.namespace ?? '', new DefaultAzureCredential());
}

export function cosmosClient(azure: AzureConfig): CosmosClient {
  if (azure.cosmos.key) return new CosmosClient({ endpoint: azure.cosmos.endpoint, key: azure.cosmos.key });
  return new CosmosClient({ endpoint: azure.cosmos.endpoint, aadCredentials: new DefaultAzureCredential() });
}

/**
 * Entra ID tokens for Azure OpenAI from the app's managed identity, when an endpoint is set and
 * no key is: the identity needs the Cognitive Services OpenAI User role on the resource.
 */
export function azureOpenAiTokenProvider(models: ModelsConfig): (() => Promise<string>) | undefined {
  if (!models.azureOpenAi.endpoint || models.azureOpenAi.apiKey) return undefined;
  return getBearerTokenProvider(new DefaultAzureCredential(), 'https://cognitiveservices.azure.com/.default');
}
