/**
 * Wakes the readers of one user's records (live streams, MCP calls waiting for an answer) when
 * that user's records were committed, and nobody else. With one signal for everyone, every
 * settle woke every open stream on the host and each read the store again to find nothing of
 * its own; now a stream reads when its user's records changed (or when its poll comes round).
 */
import { WorkSignal } from './work-signal.js';

export class UserChangeSignal {
  /** A signal per user someone waits on; dropped when their last wait ends. */
  readonly #byUser = new Map<string, WorkSignal>();

  /** Wake every wait on these users' changes. */
  notify(userIds: Iterable<string>): void {
    for (const userId of userIds) this.#byUser.get(userId)?.notify();
  }

  /** Resolves when `userId`'s records changed, after `maxWaitMs`, or when `signal` aborts. */
  async wait(userId: string, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    let changes = this.#byUser.get(userId);
    if (changes === undefined) this.#byUser.set(userId, (changes = new WorkSignal()));
    try {
      await changes.wait(maxWaitMs, signal);
    } finally {
      if (changes.waiting === 0 && this.#byUser.get(userId) === changes) this.#byUser.delete(userId);
    }
  }

  /** How many users someone waits on (a wait that ended leaves nothing behind). */
  get waitingUsers(): number {
    return this.#byUser.size;
  }
}
