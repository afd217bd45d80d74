/**
 * The store ports the kernel needs. Production: Cosmos DB (partition key /userId).
 * Embedded default: SQLite, in the same file as the queue. Tests: in memory.
 */
import type { EventRecord, EventStatus } from '../records.js';

/**
 * Where a record stands in a list: lists are ordered newest first by `receivedAt`, and records
 * received in the same millisecond by `id`, descending. The id makes the order total and stable
 * (a record keeps its place when it is saved again), so a page can end anywhere.
 */
export interface EventPosition {
  /** The record's `receivedAt`, as stored (ISO 8601, UTC). */
  receivedAt: string;
  id: string;
}

export interface EventQuery {
  /** Type patterns (`demo.*`, `demo.ping`); empty means all. */
  types?: readonly string[];
  /** Only events received at or after this instant. */
  since?: Date;
  /** Only events received before this instant (exclusive): with `since`, a time range. */
  until?: Date;
  /** Only records after this position in the list's order (older): pass a page's last record to get the next page. */
  before?: EventPosition;
  status?: EventStatus;
  /** Newest first (see EventPosition for the order); at most this many. */
  limit: number;
}

export interface ChangePage {
  records: EventRecord[];
  /** Pass back to get the records saved after these. */
  cursor: string;
}

/**
 * Records read from a store are the caller's own copies. Records handed to `insertAccepted` and
 * `save` are the store's from then on: do not change them afterwards (the in-memory store
 * freezes them, so a change throws).
 */
export interface EventStore {
  get(userId: string, id: string): Promise<EventRecord | undefined>;
  getMany(userId: string, ids: readonly string[]): Promise<EventRecord[]>;
  /**
   * Write `accepted` records for newly ingested events, skipping any that already exist
   * (the processor may have finished first; an accepted record never overwrites a later one).
   */
  insertAccepted(records: readonly EventRecord[]): Promise<void>;
  /** Create or replace a record (the processor's write). */
  save(record: EventRecord): Promise<void>;
  list(userId: string, query: EventQuery): Promise<EventRecord[]>;
  /**
   * Records saved (by the processor or at ingest) after `cursor`, oldest first, for live streams.
   * An undefined cursor starts at "now": only later changes are returned.
   */
  changes(userId: string, cursor: string | undefined, limit: number): Promise<ChangePage>;
}
