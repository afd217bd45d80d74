/** One processor thread as the HTTP thread holds it: start-up, messages both ways, stop. */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DriverStats } from '../../../kernel/index.js';
import type { FromThread, LogLevel, Observation, ThreadData, ToThread } from './protocol.js';

/** How long a thread asked to stop may take beyond the grace period (closing drivers, the database). */
const STOP_MARGIN_MS = 15_000;

export interface ThreadEvents {
  /** `settled`: the users whose outcomes were committed since the last report. */
  report(settled: readonly string[], observations: Observation[], stats: Array<[string, DriverStats]> | undefined): void;
  log(level: LogLevel, bindings: Record<string, unknown>, fields: Record<string, unknown> | undefined, message: string): void;
  /** The thread is gone (asked to stop or not), its database connection closed with it. */
  exited(code: number, ranMs: number): void;
}

// Run from the TypeScript sources (tests), the thread's module is the .ts beside this one.
const ENTRY = new URL(`./processor-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
const BOOTSTRAP = new URL('./thread-entry.mjs', import.meta.url);

/** Node options that are about the host's own entry; each is followed by its value, or written `--name=value`. */
const ENTRY_OPTIONS = new Set(['--input-type', '-e', '--eval', '-p', '--print']);
const isEntryOption = (arg: string): boolean => ENTRY_OPTIONS.has(arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg);

/**
 * The host's Node options, for the thread (profiling, loaders), less those that are about the
 * host's own entry: `--input-type` would apply to the thread's entry too (and refuse it), and an
 * `--eval` script must not run again. Undefined when there are none of those: the thread then
 * inherits the options the way Node does by default, which also covers V8's and process-wide
 * ones (`--max-old-space-size`, `--stack-size`) that a worker's own `execArgv` refuses.
 */
function threadExecArgv(): string[] | undefined {
  const args = process.execArgv;
  if (!args.some(isEntryOption)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (ENTRY_OPTIONS.has(arg)) i += 1; // and its value
    else if (!isEntryOption(arg)) out.push(arg);
  }
  return out;
}

/**
 * A Worker with the host's options. With an explicit list (see threadExecArgv), Node refuses V8
 * and process-wide options: those apply to every thread of the process already, so they are
 * dropped and the thread started again without them.
 */
function startWorker(entry: URL, workerData: unknown): Worker {
  const execArgv = threadExecArgv();
  if (execArgv === undefined) return new Worker(entry, { workerData });
  try {
    return new Worker(entry, { workerData, execArgv });
  } catch (error) {
    const refused = refusedOptions(error);
    if (refused === undefined) throw error;
    return new Worker(entry, { workerData, execArgv: execArgv.filter((arg) => !refused.has(arg)) });
  }
}

/** The options named by Node's ERR_WORKER_INVALID_EXEC_ARGV ("...invalid execArgv flags: --a, --b"). */
function refusedOptions(error: unknown): Set<string> | undefined {
  if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return undefined;
  const list = error.message.slice(error.message.lastIndexOf(': ') + 2);
  return new Set(list.split(', '));
}

export class ProcessorThread {
  /** Resolves when the thread processes; rejects if it could not start. */
  readonly ready: Promise<void>;
  readonly lockOwner: string;
  readonly writeLockId: number;
  /** The thread's drivers' statistics, as last reported. */
  stats: ReadonlyMap<string, DriverStats> = new Map();
  readonly #worker: Worker;
  readonly #exited: Promise<number>;
  #running = false;
  #gone = false;

  constructor(data: ThreadData, events: ThreadEvents) {
    this.lockOwner = data.lockOwner;
    this.writeLockId = data.writeLock.id;
    const startedAt = Date.now();
    this.#worker = startWorker(BOOTSTRAP, { entry: ENTRY, data });
    let ready!: () => void;
    let failed!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((ready = resolve), (failed = reject)));
    // Nobody may wait for `ready` (a restart that fails is reported by `exited`).
    this.ready.catch(() => undefined);
    this.#worker.on('message', (message: FromThread) => {
      switch (message.kind) {
        case 'report':
          return events.report(message.settled, message.observations, message.stats);
        case 'log':
          return events.log(message.level, message.bindings, message.fields, message.message);
        case 'ready':
          this.#running = true;
          return ready();
        case 'failed':
          return failed(new Error(`processor thread ${data.index} could not start: ${message.message}`));
        case 'stopped':
          this.#running = false;
          return;
      }
    });
    // An uncaught error ends the thread; 'exit' follows and says the rest.
    this.#worker.on('error', (error) => {
      events.log('error', { thread: data.index }, { err: { type: error.name, message: error.message, stack: error.stack } }, 'a processor thread failed');
      failed(error);
    });
    this.#exited = new Promise<number>((resolve) =>
      this.#worker.once('exit', (code) => {
        this.#running = false;
        this.#gone = true;
        failed(new Error(`processor thread ${data.index} exited with code ${code} before it was ready`));
        events.exited(code, Date.now() - startedAt);
        resolve(code);
      }),
    );
  }

  get running(): boolean {
    return this.#running;
  }

  send(message: ToThread): void {
    if (!this.#gone) this.#worker.postMessage(message);
  }

  /** Ask the thread to drain and exit; terminate it if it has not within the grace period and a margin. */
  async stop(graceMs: number): Promise<void> {
    if (this.#gone) return;
    this.send({ kind: 'stop', graceMs });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs + STOP_MARGIN_MS)));
    if ((await Promise.race([this.#exited, late])) === 'late') await this.#worker.terminate();
    clearTimeout(timer);
    await this.#exited;
  }
}
