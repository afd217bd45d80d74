/**
 * AuditLog on Cosmos DB: one document per entry in the `audit` container (partition key
 * `/userId`), each user's entries forming a hash chain (src/kernel/audit-chain.ts).
 *
 * Keeping a chain linear without multi-document transactions: appends are optimistic. An
 * entry's Cosmos id is its chain position (`chain-<seq>`), and Cosmos ids are unique per
 * partition, so of two writers that chained onto the same head only one can create the next
 * seq; the other gets 409, reads what was appended since the head it knew, chains onto the new
 * head and tries again (at most MAX_APPEND_ATTEMPTS times, then `unavailable`, retryable).
 * Appends of one user on one instance are queued behind each other, so only writers on
 * different instances ever race. The loser of a race backs off a random, growing while before
 * trying again: it needs a query and a create where the winner, head in hand, needs only a
 * create, so without the pause a writer with a steady stream of appends would win every race.
 * Each instance caches every user's head (bounded), so an append normally costs one create; a
 * user it has no head for costs a query or two first.
 *
 * Appending an entry twice (same entry id, e.g. a call retried after a timeout whose write did
 * land) adds it once when the retry sees the first copy: a copy among the ids this instance
 * appended or caught up on lately (RECENT_IDS per user), or one newer than the cached head
 * (the retry then meets a 409 and reads it), or, for a user not cached, anywhere in the chain
 * (the cold read looks the ids up). The kernel itself never appends one draft twice: a
 * redelivered event gets a new decision with a new entry id.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import { type AuditDraft, type AuditEntry, type AuditLog, chainEntry, type ChainHead, isKernelError, KernelError } from '../../kernel/index.js';
import { auditDocument, forEachLimited, parseAuditDocument } from './cosmos-documents.js';
import { cosmosCall } from './cosmos-errors.js';
import { ChainHeads, type CachedChain } from './cosmos-chain-heads.js';

/** Users whose chains are extended in parallel by one append call. */
const WRITE_CONCURRENCY = 16;
/** Creates of one entry before giving up: each 409 means another writer made progress. */
const MAX_APPEND_ATTEMPTS = 20;
/** The longest pause between two attempts (the pause grows, randomly, up to this). */
const MAX_BACKOFF_MS = 200;
/** Ids per ARRAY_CONTAINS lookup, well under Cosmos's query limits. */
const IDS_PER_QUERY = 256;

export interface CosmosAuditLogOptions {
  /** Users whose chain heads each instance remembers (least recently used are forgotten). */
  cachedUsers?: number;
}

/** What the chain's bookkeeping reads of a document. */
interface LinkRow {
  seq: number;
  hash: string;
  entryId: string;
}

export class CosmosAuditLog implements AuditLog {
  readonly #container: Container;
  readonly #heads: ChainHeads;
  /** The last append queued for each user on this instance. */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(container: Container, options: CosmosAuditLogOptions = {}) {
    this.#container = container;
    this.#heads = new ChainHeads(options.cachedUsers ?? 10_000);
  }

  async append(drafts: readonly AuditDraft[]): Promise<void> {
    const byUser = new Map<string, AuditDraft[]>();
    for (const draft of drafts) {
      const list = byUser.get(draft.userId);
      if (list === undefined) byUser.set(draft.userId, [draft]);
      else list.push(draft);
    }
    await forEachLimited([...byUser], WRITE_CONCURRENCY, ([userId, own]) => this.#queued(userId, () => this.#appendChain(userId, own)));
  }

  async list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]> {
    checkLimit(query.limit);
    if (query.limit === 0) return [];
    const parameters: SqlParameter[] = [{ name: '@userId', value: userId }, { name: '@limit', value: query.limit }];
    let filter = '';
    if (query.eventId !== undefined) {
      filter = ' AND c.eventId = @eventId';
      parameters.push({ name: '@eventId', value: query.eventId });
    }
    // Chain order is append order. Entries from before the chain have no seq and sort last.
    const spec = { query: `SELECT TOP @limit * FROM c WHERE c.userId = @userId${filter} ORDER BY c.seq DESC`, parameters };
    return this.#query('list audit entries', userId, spec, query.limit);
  }

  async chain(userId: string, query: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
    checkLimit(query.limit);
    if (query.limit === 0) return [];
    const spec = {
      query: 'SELECT TOP @limit * FROM c WHERE c.userId = @userId AND c.seq > @after ORDER BY c.seq ASC',
      parameters: [{ name: '@userId', value: userId }, { name: '@after', value: query.afterSeq }, { name: '@limit', value: query.limit }],
    };
    return this.#query('read audit chain', userId, spec, query.limit);
  }

  async #appendChain(userId: string, drafts: readonly AuditDraft[]): Promise<void> {
    const chain = this.#heads.get(userId) ?? (await this.#coldRead(userId, drafts));
    for (const draft of drafts) {
      for (let attempt = 1; !chain.recent.has(draft.id); attempt += 1) {
        const entry = chainEntry(draft, chain.head);
        try {
          await cosmosCall('append audit entry', () => this.#container.items.create(auditDocument(entry)));
          this.#heads.advance(userId, chain, { seq: entry.seq as number, hash: entry.hash as string }, [draft.id]);
        } catch (error) {
          // Any other failure leaves the cache as it was: a write that did land shows up as a 409 next time.
          if (!isKernelError(error, 'conflict')) throw error;
          if (attempt >= MAX_APPEND_ATTEMPTS) {
            throw new KernelError('unavailable', `the audit chain of ${userId} kept moving: ${attempt} appends in a row lost the race`, { retryable: true });
          }
          await backoff(attempt);
          await this.#catchUp(userId, chain);
        }
      }
    }
  }

  /** A user this instance has no head for: read the head, and look for the drafts already in the chain. */
  async #coldRead(userId: string, drafts: readonly AuditDraft[]): Promise<CachedChain> {
    const spec = {
      query: 'SELECT TOP 1 c.seq, c.hash, c.entryId FROM c WHERE c.userId = @userId AND c.seq > 0 ORDER BY c.seq DESC',
      parameters: [{ name: '@userId', value: userId }],
    };
    const [top] = await this.#links('read audit chain head', userId, spec);
    const chain = this.#heads.start(userId, top === undefined ? undefined : { seq: top.seq, hash: top.hash });
    if (top === undefined) return chain;
    const ids = drafts.map((draft) => draft.id);
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const lookup = {
        query: 'SELECT c.seq, c.hash, c.entryId FROM c WHERE c.userId = @userId AND ARRAY_CONTAINS(@ids, c.entryId)',
        parameters: [{ name: '@userId', value: userId }, { name: '@ids', value: ids.slice(start, start + IDS_PER_QUERY) }],
      };
      const found = await this.#links('look up audit entries', userId, lookup);
      this.#heads.advance(userId, chain, chain.head, found.map((row) => row.entryId));
    }
    return chain;
  }

  /** After a 409: move the cached head to the newest entry, remembering the ids appended since. */
  async #catchUp(userId: string, chain: CachedChain): Promise<void> {
    const spec = {
      query: 'SELECT c.seq, c.hash, c.entryId FROM c WHERE c.userId = @userId AND c.seq > @after ORDER BY c.seq ASC',
      parameters: [{ name: '@userId', value: userId }, { name: '@after', value: chain.head?.seq ?? 0 }],
    };
    const newer = await this.#links('read newer audit entries', userId, spec);
    const last = newer.at(-1);
    const head: ChainHead | undefined = last === undefined ? chain.head : { seq: last.seq, hash: last.hash };
    this.#heads.advance(userId, chain, head, newer.map((row) => row.entryId));
  }

  async #links(operation: string, userId: string, spec: { query: string; parameters: SqlParameter[] }): Promise<LinkRow[]> {
    const response = await cosmosCall(operation, () => this.#container.items.query<unknown>(spec, { partitionKey: userId }).fetchAll());
    return response.resources.map((row) => linkRow(row, userId));
  }

  async #query(operation: string, userId: string, spec: { query: string; parameters: SqlParameter[] }, limit: number): Promise<AuditEntry[]> {
    const options = { partitionKey: userId, maxItemCount: Math.min(limit, 1000) };
    const response = await cosmosCall(operation, () => this.#container.items.query<unknown>(spec, options).fetchAll());
    return response.resources.map((document) => parseAuditDocument(document));
  }

  /** Run `work` after every append already queued for this user on this instance. */
  async #queued(userId: string, work: () => Promise<void>): Promise<void> {
    const run = (this.#queues.get(userId) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.#queues.set(userId, tail);
    try {
      await run;
    } finally {
      if (this.#queues.get(userId) === tail) this.#queues.delete(userId);
    }
  }
}

function linkRow(row: unknown, userId: string): LinkRow {
  const candidate = (typeof row === 'object' && row !== null ? row : {}) as Partial<Record<keyof LinkRow, unknown>>;
  if (typeof candidate.seq !== 'number' || typeof candidate.hash !== 'string' || typeof candidate.entryId !== 'string') {
    // Chaining on past a damaged entry would hide where the damage is: verification names it instead.
    throw new KernelError('internal', `an audit entry of ${userId} has a damaged chain position: ${JSON.stringify(row)}`);
  }
  return { seq: candidate.seq, hash: candidate.hash, entryId: candidate.entryId };
}

/** Full jitter: a random pause up to 5 ms doubled per attempt, at most MAX_BACKOFF_MS. */
async function backoff(attempt: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 5 * 2 ** attempt)));
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new KernelError('invalid_input', `limit must be a non-negative integer, got ${limit}`);
}
