/**
 * A processor thread's reports to the HTTP thread: whose outcomes were committed (to wake their
 * live streams), what the processor observed (for the metrics there) and the drivers' statistics. One
 * message per turn of the thread's event loop that settled anything, however many events settled
 * in it: a message per event would cost more than the metrics it carries. A timer sends what is
 * left between settles, so a driver that runs long (its event settles much later) is counted, and
 * its statistics seen, when it returns.
 */
import type { DriverStats, ProcessorObserver } from '../../../kernel/index.js';
import type { FromThread, Observation } from './protocol.js';

/** How often observations and changed statistics are sent when nothing settles. */
const EVERY_MS = 250;

export class ThreadReport implements ProcessorObserver {
  readonly #post: (message: FromThread) => void;
  readonly #stats: () => Iterable<[string, DriverStats]>;
  readonly #timer: NodeJS.Timeout;
  #observations: Observation[] = [];
  /** Users whose outcomes were committed since the last report. */
  #settled = new Set<string>();
  #scheduled: NodeJS.Immediate | undefined;
  /** The statistics last sent, as JSON: sent again only when they changed. */
  #sentStats = '';

  /** `stats`: the thread's drivers' statistics, read when they are sent. */
  constructor(post: (message: FromThread) => void, stats: () => Iterable<[string, DriverStats]>) {
    this.#post = post;
    this.#stats = stats;
    this.#timer = setInterval(() => this.#send(true), EVERY_MS).unref();
  }

  eventSettled(type: string, status: string, seconds: number): void {
    this.#observations.push(['event', type, status, seconds]);
  }

  driverRan(driver: string, status: string, seconds: number): void {
    this.#observations.push(['driver', driver, status, seconds]);
  }

  /** An outcome of `userId`'s was committed (QueueWorker's onSettled). */
  settled(userId: string): void {
    this.#settled.add(userId);
    this.#scheduled ??= setImmediate(() => this.#send(false));
  }

  /** Send everything now and stop the timer: the thread is stopping. */
  close(): void {
    clearInterval(this.#timer);
    this.#send(true);
  }

  #send(withStats: boolean): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    let stats: Array<[string, DriverStats]> | undefined;
    if (withStats) {
      const current = [...this.#stats()].map(([id, each]): [string, DriverStats] => [id, { ...each }]);
      const json = JSON.stringify(current);
      if (json !== this.#sentStats) {
        this.#sentStats = json;
        stats = current;
      }
    }
    if (this.#settled.size === 0 && this.#observations.length === 0 && stats === undefined) return;
    const message: FromThread = { kind: 'report', settled: [...this.#settled], observations: this.#observations, ...(stats && { stats }) };
    this.#observations = [];
    this.#settled.clear();
    this.#post(message);
  }
}
