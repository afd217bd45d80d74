/**
 * In-memory StateStore: for unit tests and the kernel benchmark. Not durable. Values are kept
 * as JSON text, so a caller can never alias stored state. Every method runs to completion
 * without an `await` in between, which is what makes `increment` atomic here.
 */
import { type Clock, KernelError, type PutOptions, type StateItem, type StateListOptions, type StateStore, systemClock } from '../../kernel/index.js';
import {
  applyDeltas,
  checkAddress,
  checkDeltas,
  checkExpiresAt,
  checkKey,
  checkLimit,
  checkPartitionKind,
  checkPutOptions,
  compareKeys,
  isExpired,
  newEtag,
  serializeValue,
} from '../state-items.js';

interface Stored {
  partition: string;
  kind: string;
  key: string;
  json: string;
  etag: string;
  updatedAt: string;
  expiresAtMs: number | undefined;
}

/** Writes between sweeps of expired items (a sweep scans every item). */
const SWEEP_EVERY_WRITES = 256;

export interface MemoryStateStoreOptions {
  /** Decides expiry and `updatedAt`; the system clock by default. */
  clock?: Clock;
}

export class MemoryStateStore implements StateStore {
  readonly #items = new Map<string, Stored>();
  readonly #clock: Clock;
  #writes = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async get(partition: string, kind: string, key: string): Promise<StateItem | undefined> {
    checkAddress(partition, kind, key);
    const stored = this.#live(partition, kind, key);
    return stored && toItem(stored);
  }

  async getMany(partition: string, kind: string, keys: readonly string[]): Promise<StateItem[]> {
    checkPartitionKind(partition, kind);
    for (const key of keys) checkKey(key);
    return [...new Set(keys)].flatMap((key) => {
      const stored = this.#live(partition, kind, key);
      return stored ? [toItem(stored)] : [];
    });
  }

  async put(partition: string, kind: string, key: string, value: unknown, options?: PutOptions): Promise<StateItem> {
    checkAddress(partition, kind, key);
    checkPutOptions(options);
    const json = serializeValue(value);
    const current = this.#live(partition, kind, key);
    if (options?.ifNoneMatch === '*' && current) throw new KernelError('precondition_failed', `state item ${kind}/${key} already exists`);
    if (options?.ifMatch !== undefined && current?.etag !== options.ifMatch) {
      throw new KernelError('precondition_failed', `state item ${kind}/${key} ${current ? 'has changed' : 'does not exist'}`);
    }
    return toItem(this.#write({ partition, kind, key, json, expiresAtMs: undefined }));
  }

  async delete(partition: string, kind: string, key: string, options?: { ifMatch?: string }): Promise<boolean> {
    checkAddress(partition, kind, key);
    checkPutOptions(options);
    const current = this.#live(partition, kind, key);
    if (options?.ifMatch !== undefined && current?.etag !== options.ifMatch) {
      throw new KernelError('precondition_failed', `state item ${kind}/${key} ${current ? 'has changed' : 'does not exist'}`);
    }
    this.#items.delete(address(partition, kind, key));
    return current !== undefined;
  }

  async list(partition: string, kind: string, options: StateListOptions): Promise<StateItem[]> {
    checkPartitionKind(partition, kind);
    const limit = checkLimit(options.limit);
    const prefix = options.keyPrefix ?? '';
    const after = options.afterKey;
    const now = this.#clock.now().getTime();
    return [...this.#items.values()]
      .filter((stored) => stored.partition === partition && stored.kind === kind && stored.key.startsWith(prefix) && !isExpired(stored.expiresAtMs, now))
      .filter((stored) => after === undefined || compareKeys(stored.key, after) > 0)
      .sort((a, b) => compareKeys(a.key, b.key))
      .slice(0, limit)
      .map(toItem);
  }

  async increment(partition: string, kind: string, key: string, deltas: Readonly<Record<string, number>>, options?: { expiresAt?: Date }): Promise<void> {
    checkAddress(partition, kind, key);
    const entries = checkDeltas(deltas);
    const expiresAtMs = checkExpiresAt(options?.expiresAt);
    const current = this.#live(partition, kind, key);
    const value = applyDeltas(current && JSON.parse(current.json), entries, `state item ${kind}/${key}`);
    // Without a new expiry, an existing item keeps its own.
    this.#write({ partition, kind, key, json: JSON.stringify(value), expiresAtMs: expiresAtMs ?? current?.expiresAtMs });
  }

  /** The item unless missing or expired; an expired one is dropped on the way. */
  #live(partition: string, kind: string, key: string): Stored | undefined {
    const id = address(partition, kind, key);
    const stored = this.#items.get(id);
    if (stored && isExpired(stored.expiresAtMs, this.#clock.now().getTime())) {
      this.#items.delete(id);
      return undefined;
    }
    return stored;
  }

  #write(item: Omit<Stored, 'etag' | 'updatedAt'>): Stored {
    const now = this.#clock.now();
    const stored: Stored = { ...item, etag: newEtag(), updatedAt: now.toISOString() };
    this.#items.set(address(item.partition, item.kind, item.key), stored);
    this.#writes += 1;
    if (this.#writes % SWEEP_EVERY_WRITES === 0) this.#sweep(now.getTime());
    return stored;
  }

  #sweep(now: number): void {
    for (const [id, stored] of this.#items) if (isExpired(stored.expiresAtMs, now)) this.#items.delete(id);
  }
}

function address(partition: string, kind: string, key: string): string {
  return JSON.stringify([partition, kind, key]);
}

function toItem(stored: Stored): StateItem {
  return { partition: stored.partition, kind: stored.kind, key: stored.key, value: JSON.parse(stored.json) as unknown, etag: stored.etag, updatedAt: stored.updatedAt };
}
