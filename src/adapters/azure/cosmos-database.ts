/**
 * Opens the Cosmos DB store: one database, four containers, all partitioned by `/userId` so that
 * every read, write and query of the kernel stays inside one user's partition (the API only ever
 * acts for the user in the verified token).
 *
 * Containers:
 * - `events`: the processing record of each event, one document per (userId, event id), Cosmos
 *   id = event id. What `GET /api/events/{id}` shows, what the processor's dedupe stage reads,
 *   and the per-user change feed (`changeKey`) behind `GET /api/stream`. TTL is off by default:
 *   a record is the proof an event completed, and dropping it would let a late redelivery run the
 *   event again. Set `ttlSeconds.events` only with a retention longer than any redelivery window.
 * - `audit`: append-only audit entries, one hash chain per user, Cosmos id = `chain-<seq>` (see
 *   cosmos-audit-log.ts). TTL off by default too; `ttlSeconds.audit` sets a retention period,
 *   but expired entries break the chain: verification then stops at the oldest one left (seq gap).
 * - `state`: small bookkeeping items (policies, grants, approvals, usage counters), Cosmos id
 *   derived from (kind, key), see cosmos-state-documents.ts. Created with `defaultTtl: -1`: TTL on,
 *   per item (counters of past windows carry a `ttl`; everything else never expires).
 * - `context`: the context hub, one item per entry and per kept version (cosmos-context-documents.ts).
 *   Every ORDER BY its queries send names one property (cosmos-context-ordering.ts), which the
 *   range index on `/*` serves, so no composite index is needed; content is never filtered on.
 * No dedupe or marker container: duplicate detection is Service Bus's (messageId = event id),
 * and "already done" is the record's own status.
 *
 * With `createIfNotExists`, missing resources are created with the definitions below (partition
 * key, TTL, indexing policy); existing ones are left as they are (infra/ owns their settings),
 * but their partition key is checked. Without it, the containers must exist: they are read once
 * here, so a missing one fails at start-up instead of every point read answering "not found".
 * The TTL and indexing settings cannot be proven against @vercel/cosmosdb-server, which stores
 * but ignores them.
 */
import type { Container, ContainerDefinition, ContainerResponse, CosmosClient, Database, IndexingPolicy } from '@azure/cosmos';
import { isKernelError, KernelError } from '../../kernel/index.js';
import { CosmosAuditLog } from './cosmos-audit-log.js';
import { CosmosContextStore, type CosmosContextStoreOptions } from './cosmos-context-store.js';
import { cosmosCall } from './cosmos-errors.js';
import { CosmosEventStore } from './cosmos-event-store.js';
import { CosmosStateStore } from './cosmos-state-store.js';

export const PARTITION_KEY_PATH = '/userId';

/** Index what the queries filter and sort on; skip payloads (cheaper writes, never queried). */
const EVENTS_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/event/*' }, { path: '/drivers/*' }, { path: '/children/*' }, { path: '/decision/*' }, { path: '/error/*' }, { path: '/"_etag"/?' }],
};
const AUDIT_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/decision/*' }, { path: '/drivers/*' }, { path: '/emitted/*' }, { path: '/error/*' }, { path: '/"_etag"/?' }],
};
/** State queries filter on kind, key and expiresAt; values are never queried. */
const STATE_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/value/*' }, { path: '/"_etag"/?' }],
};
/** Context items are filtered on everything but their content (search filters on `text`). */
const CONTEXT_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/content/*' }, { path: '/"_etag"/?' }],
};

export interface OpenCosmosStoreOptions {
  /** Built by the Azure host (src/hosts/azure/clients.ts) from a connection string or `{ endpoint, aadCredentials }`. Not closed here. */
  client: CosmosClient;
  databaseId: string;
  /** Create the database and containers when missing (embedded tests, first deploys without infra/). */
  createIfNotExists: boolean;
  /** Container ids; `events`, `audit`, `state` and `context` by default. */
  containerIds?: { events?: string; audit?: string; state?: string; context?: string };
  /** Options of the context store (limits, clock). */
  context?: CosmosContextStoreOptions;
  /** Default time-to-live in seconds, applied only when a container is created; absent = TTL off. */
  ttlSeconds?: { events?: number; audit?: number };
  /** Clock for the ordering keys and for state items' expiry (tests); `Date.now` by default. */
  now?: () => number;
}

export interface CosmosStore {
  database: Database;
  store: CosmosEventStore;
  audit: CosmosAuditLog;
  state: CosmosStateStore;
  context: CosmosContextStore;
}

export async function openCosmosStore(options: OpenCosmosStoreOptions): Promise<CosmosStore> {
  const { client, databaseId, createIfNotExists } = options;
  const eventsId = options.containerIds?.events ?? 'events';
  const auditId = options.containerIds?.audit ?? 'audit';
  const stateId = options.containerIds?.state ?? 'state';
  const contextId = options.containerIds?.context ?? 'context';
  const database = createIfNotExists
    ? (await createOnce('create database', () => client.databases.createIfNotExists({ id: databaseId }))).database
    : client.database(databaseId);
  const [events, audit, state, context] = await Promise.all([
    ensureContainer(database, definition(eventsId, EVENTS_INDEXING, options.ttlSeconds?.events), createIfNotExists),
    ensureContainer(database, definition(auditId, AUDIT_INDEXING, options.ttlSeconds?.audit), createIfNotExists),
    // defaultTtl -1: TTL on with no default, so only items that carry their own `ttl` expire.
    ensureContainer(database, { ...definition(stateId, STATE_INDEXING, undefined), defaultTtl: -1 }, createIfNotExists),
    ensureContainer(database, definition(contextId, CONTEXT_INDEXING, undefined), createIfNotExists),
  ]);
  const clock = options.now === undefined ? {} : { now: options.now };
  const now = options.now;
  const stateClock = now === undefined ? {} : { clock: { now: () => new Date(now()) } };
  const contextStore = new CosmosContextStore(context, { ...stateClock, ...options.context });
  return { database, store: new CosmosEventStore(events, clock), audit: new CosmosAuditLog(audit), state: new CosmosStateStore(state, stateClock), context: contextStore };
}

/**
 * The SDK's createIfNotExists reads, then creates: two processes starting at once on a fresh
 * account (a Function App and a `vextir worker`) both read "missing" and one create gets 409.
 * The resource exists then, so asking again finds it.
 */
async function createOnce<T>(operation: string, create: () => Promise<T>): Promise<T> {
  try {
    return await cosmosCall(operation, create);
  } catch (error) {
    if (!isKernelError(error, 'conflict')) throw error;
    return cosmosCall(operation, create);
  }
}

function definition(id: string, indexingPolicy: IndexingPolicy, ttlSeconds: number | undefined): ContainerDefinition {
  const base: ContainerDefinition = { id, partitionKey: { paths: [PARTITION_KEY_PATH] }, indexingPolicy };
  if (ttlSeconds === undefined) return base;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new KernelError('invalid_input', `TTL for container ${id} must be a positive number of seconds`);
  return { ...base, defaultTtl: ttlSeconds };
}

async function ensureContainer(database: Database, wanted: ContainerDefinition, create: boolean): Promise<Container> {
  const id = wanted.id ?? '';
  let response: ContainerResponse;
  try {
    response = create
      ? await createOnce(`create container ${id}`, () => database.containers.createIfNotExists(wanted))
      : await cosmosCall(`read container ${id}`, () => database.container(id).read());
  } catch (error) {
    if (isKernelError(error, 'not_found')) {
      throw new KernelError('not_found', `Cosmos DB container ${database.id}/${id} does not exist: deploy infra/ or open with createIfNotExists`, { cause: error });
    }
    throw error;
  }
  if (response.resource === undefined) {
    throw new KernelError('not_found', `Cosmos DB container ${database.id}/${id} does not exist: deploy infra/ or open with createIfNotExists`);
  }
  const paths = response.resource.partitionKey?.paths;
  if (paths?.length !== 1 || paths[0] !== PARTITION_KEY_PATH) {
    // Every query names one user's partition; a container keyed otherwise would answer wrongly.
    throw new KernelError('internal', `Cosmos DB container ${database.id}/${id} is partitioned by ${JSON.stringify(paths ?? [])}, not ["${PARTITION_KEY_PATH}"]`, { retryable: false });
  }
  return response.container;
}
