export { MemoryContextStore, type MemoryContextStoreOptions } from './context-store.js';
export { MemoryAuditLog, MemoryEventStore } from './event-store.js';
export { MemoryQueue, type MemoryQueueOptions } from './queue.js';
export { MemoryStateStore, type MemoryStateStoreOptions } from './state-store.js';
