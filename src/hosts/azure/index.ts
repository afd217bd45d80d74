/** The Azure host: Service Bus, Cosmos DB and Entra ID around the core, for the Function App and `vextir worker`. */
export { attemptOf, type CopySource } from '../../adapters/azure/index.js';
export { cosmosClient, serviceBusClient } from './clients.js';
export { composeAzure, type AzureClients, type AzureSystem, type TriggeredMessage } from './compose.js';
export { startAzureWorker, type RunningAzureWorker } from './worker.js';
