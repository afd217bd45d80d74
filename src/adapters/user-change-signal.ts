/**
 * Wakes the readers of one user's records (live streams, MCP calls waiting for an answer) when
 * that user's records were committed, and nobody else. With one signal for everyone, every
 * settle woke every open stream on the host and each read the store again to find nothing of
 * its own; now a stream reads when its user's records changed (or when its poll comes round).
 */
export class UserChangeSignal {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Wake every wait on these users' changes. */
  notify(userIds: Iterable<string>): void {
    for (const userId of userIds) {
      const waiters = this.#waiting.get(userId);
      if (waiters === undefined) continue;
      this.#waiting.delete(userId);
      for (const wake of waiters) wake();
    }
  }

  /** Resolves when `userId`'s records changed, after `maxWaitMs`, or when `signal` aborts. */
  wait(userId: string, maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#forget(userId, done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      signal?.addEventListener('abort', done, { once: true });
      let waiters = this.#waiting.get(userId);
      if (waiters === undefined) this.#waiting.set(userId, (waiters = new Set()));
      waiters.add(done);
    });
  }

  /** How many users someone waits on (a wait that ended leaves nothing behind). */
  get waitingUsers(): number {
    return this.#waiting.size;
  }

  #forget(userId: string, done: () => void): void {
    const waiters = this.#waiting.get(userId);
    if (waiters === undefined || !waiters.delete(done)) return;
    if (waiters.size === 0) this.#waiting.delete(userId);
  }
}
