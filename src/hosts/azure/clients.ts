/**
 * The Azure SDK clients, from the namespace / endpoint with DefaultAzureCredential (managed
 * identity), or from a connection string / key where one is configured.
 */
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import type { AzureConfig } from '../../config.js';

export function serviceBusClient(azure: AzureConfig): ServiceBusClient {
  if (azure.serviceBus.connectionString) return new ServiceBusClient(azure.serviceBus.connectionString);
  return new ServiceBusClient(azure.serviceBus.namespace ?? '', new DefaultAzureCredential());
}

export function cosmosClient(azure: AzureConfig): CosmosClient {
  if (azure.cosmos.key) return new CosmosClient({ endpoint: azure.cosmos.endpoint, key: azure.cosmos.key });
  return new CosmosClient({ endpoint: azure.cosmos.endpoint, aadCredentials: new DefaultAzureCredential() });
}
