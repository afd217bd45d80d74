/**
 * The embedded host's processor threads, seen from the HTTP thread: started before the host
 * listens, woken when ingest commits, their reports turned into metrics and stream wake-ups, a
 * thread that dies restarted (its leases released at once: nothing else can settle them), and
 * all of them drained on stop.
 */
import { WriteLock } from '../../../adapters/local/index.js';
import type { Config } from '../../../config.js';
import { type DriverStats, type DriverStatsReport, type Logger, type ProcessorObserver, RUN_FAILED, RUN_SUCCEEDED, RUN_TIMED_OUT, RunWindow, systemClock } from '../../../kernel/index.js';
import type { LocalProcessing } from '../compose.js';
import { ProcessorThread, type ThreadEvents } from './processor-thread-handle.js';

/** The HTTP thread's queue: only what the pool needs of it. */
export interface LeaseReleaser {
  releaseLeasesOf(owner: string): number;
}

export interface ProcessorPoolOptions {
  threads: number;
  config: Config;
  logger: Logger;
  /** The host's CacheGeneration counter (shared-generation.ts). */
  generation: SharedArrayBuffer;
  /** The host's WriteLock; the HTTP thread holds it as 1, the threads as 2 and up. */
  writeLock: SharedArrayBuffer;
  queue: LeaseReleaser;
  /** The host's metrics: what the threads observed is added to them. */
  metrics: ProcessorObserver;
  /** After outcomes of these users were committed in a thread (wakes their live streams). */
  onSettled: (userIds: readonly string[]) => void;
}

/** Restart delays for a thread that keeps dying: from the first to the last, doubling. */
const FIRST_RESTART_MS = 250;
const LAST_RESTART_MS = 30_000;
/** A thread that ran this long before dying is restarted after the first delay again. */
const STABLE_MS = 60_000;

interface Slot {
  index: number;
  incarnation: number;
  thread: ProcessorThread | undefined;
  failures: number;
  restart: NodeJS.Timeout | undefined;
}

export class ProcessorPool implements LocalProcessing {
  readonly #options: ProcessorPoolOptions;
  readonly #slots: Slot[];
  /** Totals of threads that are gone, so the statistics do not go back when one restarts. */
  readonly #retired = new Map<string, DriverStats>();
  /** Every thread's recent runs per driver, as they report them: latency and health over all threads. */
  readonly #recent = new Map<string, RunWindow>();
  #wakeScheduled = false;
  #stopping = false;
  #restarts = 0;
  /** Every incarnation of every thread holds the write lock under an id of its own. */
  #nextLockId = 2;

  constructor(options: ProcessorPoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.threads }, (_, index) => ({ index, incarnation: 0, thread: undefined, failures: 0, restart: undefined }));
  }

  /** Starts every thread; resolves once all are processing, rejects (stopping the others) if one cannot start. */
  async start(): Promise<void> {
    try {
      await Promise.all(this.#slots.map((slot) => this.#launch(slot)));
    } catch (error) {
      await this.stop(0);
      throw error;
    }
  }

  /**
   * Messages may have become deliverable: tell every thread, once per batch of commits (every
   * ingest of one group commit calls this in the same turn; the message goes after them).
   */
  wake(): void {
    if (this.#wakeScheduled || this.#stopping) return;
    this.#wakeScheduled = true;
    queueMicrotask(() => {
      this.#wakeScheduled = false;
      for (const slot of this.#slots) slot.thread?.send({ kind: 'work' });
    });
  }

  /**
   * Every thread's driver counters (and those of threads that are gone) summed per driver, with
   * the latency and health of the last runs of all threads together.
   */
  driverStats(): ReadonlyMap<string, DriverStatsReport> {
    const total = new Map<string, DriverStats>();
    for (const [id, stats] of this.#retired) total.set(id, { ...stats });
    for (const slot of this.#slots) for (const [id, stats] of slot.thread?.stats ?? []) total.set(id, addStats(total.get(id), stats));
    const reports = new Map<string, DriverStatsReport>();
    for (const [id, stats] of total) {
      const recent = this.#recent.get(id) ?? new RunWindow();
      reports.set(id, { ...stats, lastRunAt: recent.lastRunAt(systemClock), latencyMs: recent.latency(), health: recent.health(stats.lastError) });
    }
    return reports;
  }

  health(): { ok: boolean; detail: string } {
    const running = this.#slots.filter((slot) => slot.thread?.running).length;
    return { ok: running === this.#slots.length, detail: `${running} of ${this.#slots.length} processor threads running, ${this.#restarts} restarted` };
  }

  /** Stop every thread: each stops leasing, finishes or releases what it holds within `graceMs`, and exits. */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const slot of this.#slots) clearTimeout(slot.restart);
    await Promise.all(this.#slots.map(async (slot) => slot.thread?.stop(graceMs)));
  }

  #launch(slot: Slot): Promise<void> {
    slot.incarnation += 1;
    const { config, logger } = this.#options;
    const events: ThreadEvents = {
      report: (settled, observations, stats) => {
        for (const [kind, name, status, seconds] of observations) {
          if (kind === 'event') this.#options.metrics.eventSettled(name, status as Parameters<ProcessorObserver['eventSettled']>[1], seconds);
          else this.#driverRan(name, status, seconds);
        }
        if (stats) thread.stats = new Map(stats);
        if (settled.length > 0) this.#options.onSettled(settled);
      },
      log: (level, bindings, fields, message) => {
        const target = logger.child(bindings);
        if (fields === undefined) target[level](message);
        else target[level](fields, message);
      },
      exited: (code, ranMs) => this.#exited(slot, thread, code, ranMs),
    };
    const thread = new ProcessorThread(
      {
        index: slot.index,
        lockOwner: `t${slot.index}.${slot.incarnation}`,
        settings: { ...config.source },
        generation: this.#options.generation,
        writeLock: { id: this.#nextLockId++, buffer: this.#options.writeLock },
      },
      events,
    );
    slot.thread = thread;
    return thread.ready;
  }

  #driverRan(driver: string, status: string, seconds: number): void {
    this.#options.metrics.driverRan(driver, status, seconds);
    let recent = this.#recent.get(driver);
    if (recent === undefined) this.#recent.set(driver, (recent = new RunWindow()));
    // Reported within a turn of the thread's event loop of its end: close enough for "last run".
    recent.record(seconds * 1000, status === 'succeeded' ? RUN_SUCCEEDED : status === 'timed_out' ? RUN_TIMED_OUT : RUN_FAILED, performance.now());
  }

  #exited(slot: Slot, thread: ProcessorThread, code: number, ranMs: number): void {
    const { logger, queue } = this.#options;
    for (const [id, stats] of thread.stats) this.#retired.set(id, addStats(this.#retired.get(id), { ...stats, inFlight: 0 }));
    thread.stats = new Map();
    // Terminated mid-commit, it may have left the write lock held: its connection is gone, so is the commit.
    if (WriteLock.releaseHeldBy(this.#options.writeLock, thread.writeLockId)) logger.warn({ thread: slot.index }, 'a processor thread stopped holding the write lock; released');
    // The thread is gone with its connection: no settle of its leases can come any more.
    try {
      const released = queue.releaseLeasesOf(thread.lockOwner);
      if (released > 0) logger.warn({ thread: slot.index, released }, 'released the messages a processor thread held when it stopped');
    } catch (error) {
      logger.error({ err: error, thread: slot.index }, 'could not release the leases of a stopped processor thread; they are redelivered when the leases expire');
    }
    if (this.#stopping || slot.thread !== thread) return;
    slot.thread = undefined;
    slot.failures = ranMs >= STABLE_MS ? 1 : slot.failures + 1;
    const delay = Math.min(LAST_RESTART_MS, FIRST_RESTART_MS * 2 ** (slot.failures - 1));
    logger.error({ thread: slot.index, exitCode: code, restartInMs: delay }, 'a processor thread stopped unexpectedly; restarting it');
    slot.restart = setTimeout(() => {
      slot.restart = undefined;
      if (this.#stopping) return;
      this.#restarts += 1;
      this.#launch(slot).catch((error: unknown) => logger.error({ err: error, thread: slot.index }, 'a processor thread could not restart'));
    }, delay);
  }
}

function addStats(a: DriverStats | undefined, b: DriverStats): DriverStats {
  if (a === undefined) return { ...b };
  const lastError = a.lastError === undefined || (b.lastError !== undefined && b.lastError.at > a.lastError.at) ? b.lastError : a.lastError;
  return {
    invocations: a.invocations + b.invocations,
    failures: a.failures + b.failures,
    timeouts: a.timeouts + b.timeouts,
    inFlight: a.inFlight + b.inFlight,
    ...(lastError !== undefined && { lastError }),
  };
}
