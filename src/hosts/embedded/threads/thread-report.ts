/**
 * A processor thread's reports to the HTTP thread: what the processor observed (for the metrics
 * there) and that outcomes were committed (to wake live streams). One message per turn of the
 * thread's event loop, however many events settled in it: a message per event would cost more
 * than the metrics it carries.
 */
import type { DriverStats, ProcessorObserver } from '../../../kernel/index.js';
import type { FromThread, Observation } from './protocol.js';

/** Driver statistics ride along at most this often (they are totals: a dropped one loses nothing). */
const STATS_EVERY_MS = 250;

export class ThreadReport implements ProcessorObserver {
  readonly #post: (message: FromThread) => void;
  readonly #stats: () => Iterable<[string, DriverStats]>;
  #observations: Observation[] = [];
  #pending = false;
  #scheduled: NodeJS.Immediate | undefined;
  #statsSentAt = 0;
  #statsTimer: NodeJS.Timeout | undefined;

  /** `stats`: the thread's drivers' statistics, read when they are sent. */
  constructor(post: (message: FromThread) => void, stats: () => Iterable<[string, DriverStats]>) {
    this.#post = post;
    this.#stats = stats;
  }

  eventSettled(type: string, status: string, seconds: number): void {
    this.#observations.push(['event', type, status, seconds]);
  }

  driverRan(driver: string, status: string, seconds: number): void {
    this.#observations.push(['driver', driver, status, seconds]);
  }

  /** An outcome was committed (QueueWorker's onSettled). */
  settled(): void {
    this.#pending = true;
    this.#scheduled ??= setImmediate(() => this.flush());
  }

  /** Send what is pending now (also before the thread stops, with `final`). */
  flush(final = false): void {
    if (final) {
      clearTimeout(this.#statsTimer);
      this.#statsSentAt = 0;
    }
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const now = Date.now();
    const sendStats = now - this.#statsSentAt >= STATS_EVERY_MS;
    // Statistics held back now are sent a little later, so the last ones before a pause arrive too.
    if (!sendStats) this.#statsTimer ??= setTimeout(() => ((this.#statsTimer = undefined), this.flush()), STATS_EVERY_MS).unref();
    if (!this.#pending && this.#observations.length === 0 && !sendStats) return;
    const observations = this.#observations;
    this.#observations = [];
    this.#pending = false;
    if (sendStats) this.#statsSentAt = now;
    this.#post({ kind: 'settled', observations, ...(sendStats && { stats: [...this.#stats()].map(([id, stats]) => [id, { ...stats }]) }) });
  }
}
