/**
 * Runs in the StateStore (partition = the user), changed only by read-modify-write with the
 * item's ETag: two replies of one step handled at once (two tool results) never lose each
 * other's changes; the loser reads again and applies its change to the winner's run.
 */
import { KernelError, isKernelError, type StateStore } from '../../kernel/index.js';
import { z } from 'zod';
import { RUN_INDEX_KIND, runIndexKey, summarizeRun, type RunSummary } from './run-index.js';
import { RUN_KIND, WAIT_KIND, runSchema, waitSchema, type Run } from './run-state.js';

const indexItemSchema = z.object({ runId: z.string() });

/** Read-modify-write rounds before a conflict is handed to the kernel as retryable. */
const MAX_ROUNDS = 8;

export class RunStore {
  constructor(private readonly state: StateStore) {}

  async get(userId: string, runId: string): Promise<Run | undefined> {
    const item = await this.state.get(userId, RUN_KIND, runId);
    return item && parseRun(item.value);
  }

  /** The id of the run an awaited event belongs to (the caller's `update` reads the run itself). */
  async runIdOf(userId: string, eventId: string): Promise<string | undefined> {
    const wait = await this.state.get(userId, WAIT_KIND, eventId);
    return wait && waitSchema.parse(wait.value).runId;
  }

  /** Records which run awaits each of `eventIds`; idempotent. */
  async await(userId: string, runId: string, eventIds: readonly string[]): Promise<void> {
    await Promise.all(eventIds.map((eventId) => this.state.put(userId, WAIT_KIND, eventId, { runId })));
  }

  /** Creates the run, or returns the one already there (a redelivered trigger). */
  async create(run: Run): Promise<{ run: Run; created: boolean }> {
    // The index item first (run-index.ts): a run that exists is then always listed.
    const indexKey = runIndexKey(run.createdAt, run.id);
    await this.state.put(run.userId, RUN_INDEX_KIND, indexKey, { runId: run.id });
    try {
      await this.state.put(run.userId, RUN_KIND, run.id, run, { ifNoneMatch: '*' });
      return { run, created: true };
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
      const existing = await this.get(run.userId, run.id);
      if (!existing) throw error;
      // Another delivery created it first, at another instant: its item lists it, not ours.
      if (runIndexKey(existing.createdAt, existing.id) !== indexKey) await this.state.delete(run.userId, RUN_INDEX_KIND, indexKey);
      return { run: existing, created: false };
    }
  }

  /**
   * A page of the user's runs, newest first. `cursor` is the index key to continue after: present
   * while the page is full. An index item whose run is missing or was created at another instant
   * (see run-index.ts) is skipped, so a page may hold fewer runs than `limit` and still go on.
   */
  async list(userId: string, options: { limit: number; after?: string }): Promise<{ runs: RunSummary[]; cursor?: string }> {
    const items = await this.state.list(userId, RUN_INDEX_KIND, { limit: options.limit, ...(options.after !== undefined && { afterKey: options.after }) });
    const entries = items.flatMap((item) => {
      const parsed = indexItemSchema.safeParse(item.value);
      return parsed.success ? [{ key: item.key, runId: parsed.data.runId }] : [];
    });
    const stored = await this.state.getMany(userId, RUN_KIND, entries.map((entry) => entry.runId));
    const runs = new Map(stored.map((item) => [item.key, parseRun(item.value)]));
    const summaries = entries.flatMap(({ key, runId }) => {
      const run = runs.get(runId);
      return run !== undefined && runIndexKey(run.createdAt, run.id) === key ? [summarizeRun(run)] : [];
    });
    const last = items.at(-1);
    return { runs: summaries, ...(items.length === options.limit && last !== undefined && { cursor: last.key }) };
  }

  /**
   * Applies `change` to the stored run and writes it if it changed anything (`change` returns
   * undefined for "nothing to do"). Returns the run as stored afterwards and `change`'s result.
   */
  async update<T>(userId: string, runId: string, change: (run: Run) => { run: Run; result: T } | undefined): Promise<{ run: Run; result: T | undefined }> {
    for (let round = 1; round <= MAX_ROUNDS; round += 1) {
      const item = await this.state.get(userId, RUN_KIND, runId);
      if (!item) throw new KernelError('not_found', `agent run ${runId} does not exist`);
      const current = parseRun(item.value);
      const changed = change(structuredClone(current));
      if (changed === undefined) return { run: current, result: undefined };
      try {
        await this.state.put(userId, RUN_KIND, runId, changed.run, { ifMatch: item.etag });
        return changed;
      } catch (error) {
        if (!isKernelError(error, 'precondition_failed')) throw error;
      }
    }
    throw new KernelError('conflict', `agent run ${runId} kept changing under this update`, { retryable: true });
  }
}

function parseRun(value: unknown): Run {
  const parsed = runSchema.safeParse(value);
  if (!parsed.success) throw new KernelError('internal', `a stored agent run is malformed: ${parsed.error.message}`);
  return parsed.data;
}
