export { SCHEMA_VERSION, openDatabase, translateSqliteError, type DatabaseOptions, type SqliteDatabase } from './database.js';
export { GroupCommit } from './group-commit.js';
export { acquireHostLock, type HostLock } from './host-lock.js';
export { createHttpServer } from './http-server.js';
export { openLocalStorage, type LocalStorage, type LocalStorageOptions } from './open-local-storage.js';
export { SqliteAuditLog } from './sqlite-audit-log.js';
export { SqliteEventStore } from './sqlite-event-store.js';
export { SqliteStateStore, type SqliteStateStoreOptions } from './sqlite-state-store.js';
export { DEFAULT_DEDUPE_WINDOW_MS, SqliteQueue, type SqliteDelivery, type SqliteQueueOptions } from './sqlite-queue.js';
