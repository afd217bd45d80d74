/**
 * Runs in the StateStore (partition = the user), changed only by read-modify-write with the
 * item's ETag: two replies of one step handled at once (two tool results) never lose each
 * other's changes; the loser reads again and applies its change to the winner's run.
 */
import { KernelError, isKernelError, type StateStore } from '../../kernel/index.js';
import { RUN_KIND, WAIT_KIND, runSchema, waitSchema, type Run } from './run-state.js';

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
    try {
      await this.state.put(run.userId, RUN_KIND, run.id, run, { ifNoneMatch: '*' });
      return { run, created: true };
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
      const existing = await this.get(run.userId, run.id);
      if (!existing) throw error;
      return { run: existing, created: false };
    }
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
