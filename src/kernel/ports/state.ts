/**
 * A small keyed state store for the system's own bookkeeping: policy sets, context grants,
 * approval decisions, usage counters. Items live in a partition (a user id, or `_global` for
 * system-wide items) under a `kind` and a `key`; every item carries an ETag for optimistic
 * concurrency. Production: a Cosmos DB container partitioned by /userId. Embedded default:
 * a table in the shared SQLite file. Tests: in memory.
 *
 * Values are JSON. Callers parse what they read with their own zod schema: the store does not
 * know the shapes.
 *
 * Rules every adapter keeps (test/contracts/state-store-contract*.ts holds them to it):
 * - Addresses: `partition` is a user id (the envelope's USER_ID pattern, `_global` included);
 *   `kind` is 1-64 of `A-Za-z0-9_.-`; `key` is any non-empty, well-formed Unicode string of at
 *   most 2048 UTF-8 bytes (`/`, `\n`, `#`, `?`, `%`, spaces, emoji all fine). Anything else is
 *   KernelError `invalid_input`.
 * - Values: plain JSON (objects, arrays, strings, finite numbers, booleans, null), read back
 *   exactly; `undefined`, NaN, Infinity, Dates, Maps, functions are `invalid_input`; over 1 MiB
 *   of JSON is `payload_too_large`.
 * - Expiry: an item whose `expiresAt` (set by `increment`) has passed, by the store's clock, is
 *   gone for every method, whether or not it was physically removed yet: not returned, not
 *   matched by `ifMatch`, no obstacle to `ifNoneMatch`, restarted from zero by `increment`.
 *   `put` writes an item without expiry.
 * - Key order (`list`) is Unicode code point order in memory and SQLite. Cosmos DB sorts with
 *   its own ordinal string order, which the contract checks for ASCII keys only (the protocol
 *   server used in tests is not Cosmos there); do not rely on the order of non-ASCII keys.
 */

/** The partition for items that belong to no single user (global policies, admin settings). */
export const GLOBAL_PARTITION = '_global';

export interface StateItem {
  partition: string;
  kind: string;
  key: string;
  value: unknown;
  /** Changes on every write; pass it back as `ifMatch` to update only what you read. */
  etag: string;
  updatedAt: string;
}

export interface PutOptions {
  /**
   * Write only if the stored item still has this ETag; otherwise KernelError `precondition_failed`,
   * also when there is no item at all (as HTTP If-Match fails without a current representation).
   */
  ifMatch?: string;
  /** `*`: write only if no item exists yet; otherwise KernelError `precondition_failed`. Not combinable with ifMatch. */
  ifNoneMatch?: '*';
}

export interface StateListOptions {
  keyPrefix?: string;
  afterKey?: string;
  limit: number;
}

export interface StateStore {
  get(partition: string, kind: string, key: string): Promise<StateItem | undefined>;
  /** Items that exist among `keys` (missing keys are left out, a repeated key answered once), in no particular order. */
  getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]>;
  /** Create or replace. Returns the stored item with its new ETag. */
  put(partition: string, kind: string, key: string, value: unknown, options?: PutOptions): Promise<StateItem>;
  /** True when an item was deleted (an expired one does not count). `ifMatch` as for put. */
  delete(partition: string, kind: string, key: string, options?: { ifMatch?: string }): Promise<boolean>;
  /**
   * Items of a kind, ordered by key (code point order), optionally only keys starting with
   * `keyPrefix`, and only keys after `afterKey` (exclusive): pass the last key of a page to get
   * the next one.
   */
  list(partition: string, kind: string, options: StateListOptions): Promise<StateItem[]>;
  /**
   * Atomically add `deltas` to numeric fields of the item's value, creating the item (fields
   * starting at 0) when missing. Safe under concurrent callers on any number of instances.
   * 1 to 7 fields (Cosmos DB takes 10 patch operations; the adapter needs 3), named
   * `[A-Za-z_][A-Za-z0-9_]*`, with finite deltas. A named field holding a non-number, or a value
   * that is not an object, is `invalid_input` and nothing is written. Other fields are kept.
   * `expiresAt`: the item expires at this instant (counters of past windows); without it, an
   * existing item keeps its expiry and a new one never expires.
   */
  increment(partition: string, kind: string, key: string, deltas: Readonly<Record<string, number>>, options?: { expiresAt?: Date }): Promise<void>;
}
