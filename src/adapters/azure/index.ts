export { CosmosAuditLog } from './cosmos-audit-log.js';
export { PARTITION_KEY_PATH, openCosmosStore, type CosmosStore, type OpenCosmosStoreOptions } from './cosmos-database.js';
export { cosmosCall, translateCosmosError } from './cosmos-errors.js';
export { CosmosEventStore } from './cosmos-event-store.js';
