/**
 * What one CosmosAuditLog instance remembers of each user's audit chain: the head it last saw
 * (so an append is one create, not a query and a create) and the entry ids it appended or saw
 * lately (so appending an entry again is noticed). Bounded: the least recently used users are
 * forgotten, and a forgotten user's next append reads the head again. A stale head is harmless:
 * the create at its next seq fails with 409 and the log catches up.
 */
import type { ChainHead } from '../../kernel/index.js';

/** Entry ids remembered per user. */
const RECENT_IDS = 256;

export interface CachedChain {
  /** Undefined: the chain is empty (the next entry is seq 1). */
  head: ChainHead | undefined;
  /** Ids of entries known to be in the chain, oldest first. */
  readonly recent: Set<string>;
}

export class ChainHeads {
  // A Map iterates in insertion order; re-inserting on use makes its first key the least recently used.
  readonly #chains = new Map<string, CachedChain>();

  constructor(private readonly capacity: number) {}

  get(userId: string): CachedChain | undefined {
    const chain = this.#chains.get(userId);
    if (chain !== undefined) this.#touch(userId, chain);
    return chain;
  }

  start(userId: string, head: ChainHead | undefined): CachedChain {
    const chain: CachedChain = { head, recent: new Set() };
    this.#touch(userId, chain);
    return chain;
  }

  /** The chain reached `head`, and these entry ids are in it. */
  advance(userId: string, chain: CachedChain, head: ChainHead | undefined, ids: readonly string[]): void {
    chain.head = head;
    for (const id of ids) {
      chain.recent.delete(id);
      chain.recent.add(id);
    }
    for (const oldest of chain.recent) {
      if (chain.recent.size <= RECENT_IDS) break;
      chain.recent.delete(oldest);
    }
    this.#touch(userId, chain);
  }

  #touch(userId: string, chain: CachedChain): void {
    this.#chains.delete(userId);
    this.#chains.set(userId, chain);
    for (const oldest of this.#chains.keys()) {
      if (this.#chains.size <= this.capacity) break;
      this.#chains.delete(oldest);
    }
  }
}
