/**
 * Runs one driver on one event: bounded by the manifest's concurrency, aborted at its timeout,
 * its outputs validated and turned into child envelopes with deterministic ids.
 */
import { z } from 'zod';
import { emittedEventSchema, type Envelope } from '../envelope.js';
import type { Driver, DriverContext, UsageReport } from '../driver.js';
import { KernelError, toKernelError } from '../errors.js';
import { childEventId, keyedChildEventId } from '../ids.js';
import { isoNow, type Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { NOOP_SPAN, type TraceSpan } from '../ports/tracing.js';
import type { DriverRun, ModelUsage } from '../records.js';
import type { Restrictions } from '../restrictions.js';
import type { Emission } from './outcome.js';
import { LazyAbort } from './lazy-abort.js';
import { RUN_FAILED, RUN_SUCCEEDED, RUN_TIMED_OUT, RunWindow, type DriverHealth, type LatencySummary } from './run-window.js';
import { Semaphore } from './semaphore.js';

const outputsSchema = z.array(emittedEventSchema).max(1000, 'a driver may emit at most 1000 events per event');

const NO_RESTRICTIONS: Readonly<Restrictions> = Object.freeze({});

interface UsageTally {
  tokens: number;
  costUsd: number;
  reported: boolean;
  /** Per model, only when a report named one. */
  models?: Map<string, ModelUsage>;
}

export interface DriverResult {
  run: DriverRun;
  emissions: Emission[];
  /** Set when the run failed; decides retry vs fail. */
  error?: KernelError;
}

/**
 * The controllers of running drivers, aborted together at shutdown. A set rather than a
 * listener per run on one shared signal: adding and removing listeners showed in profiles.
 */
export type ShutdownRegistry = Set<LazyAbort>;

/** Live counters per driver, for `GET /api/drivers` and the metrics. */
export interface DriverStats {
  invocations: number;
  failures: number;
  timeouts: number;
  inFlight: number;
  lastError?: { at: string; code: string; message: string };
}

/** What `GET /api/drivers` shows: the counters, and what the recent runs say (run-window.ts). */
export interface DriverStatsReport extends DriverStats {
  /** When the last run ended; null before the first. */
  lastRunAt: string | null;
  latencyMs: LatencySummary;
  health: DriverHealth;
}

/** The report of a driver this processor has no runner for. */
export function neverRunReport(): DriverStatsReport {
  const recent = new RunWindow();
  return { invocations: 0, failures: 0, timeouts: 0, inFlight: 0, lastRunAt: null, latencyMs: recent.latency(), health: recent.health(undefined) };
}

export class DriverRunner {
  readonly stats: DriverStats = { invocations: 0, failures: 0, timeouts: 0, inFlight: 0 };
  readonly #semaphore: Semaphore;
  readonly #recent = new RunWindow();

  constructor(
    readonly driver: Driver,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.#semaphore = new Semaphore(driver.manifest.resources.maxConcurrency);
  }

  get id(): string {
    return this.driver.manifest.id;
  }

  /** A copy of the counters with the recent runs' latency and health, computed now. */
  report(): DriverStatsReport {
    return { ...this.stats, lastRunAt: this.#recent.lastRunAt(this.clock), latencyMs: this.#recent.latency(), health: this.#recent.health(this.stats.lastError) };
  }

  /** `parent`: the delivery's span, when tracing is on; the run gets a span inside it. */
  async run(event: Envelope, attempt: number, shutdown: ShutdownRegistry, restrictions: Readonly<Restrictions> = NO_RESTRICTIONS, parent?: TraceSpan): Promise<DriverResult> {
    const span = parent?.startChild(`driver ${this.id}`, { 'vextir.driver.id': this.id, 'vextir.driver.kind': this.driver.manifest.type });
    if (!this.#semaphore.tryAcquire()) await this.#semaphore.acquire();
    this.stats.inFlight += 1;
    this.stats.invocations += 1;
    const started = performance.now();
    const usage: UsageTally = { tokens: 0, costUsd: 0, reported: false };
    try {
      const outputs = await this.#invoke(event, attempt, shutdown, restrictions, usage, span);
      const emissions = this.#toEmissions(event, outputs);
      const run = this.#run('succeeded', started, attempt, emissions);
      this.#recent.record(run.durationMs, RUN_SUCCEEDED, started + run.durationMs);
      if (usage.reported) run.usage = usageOfRun(usage);
      if (span) endRunSpan(span, run);
      return { run, emissions };
    } catch (caught) {
      const error = toKernelError(caught, 'driver_failed');
      if (error.code === 'driver_timeout') this.stats.timeouts += 1;
      else this.stats.failures += 1;
      this.stats.lastError = { at: this.clock.now().toISOString(), code: error.code, message: error.message };
      const status = error.code === 'driver_timeout' ? 'timed_out' : 'failed';
      const run = this.#run(status, started, attempt, []);
      this.#recent.record(run.durationMs, status === 'timed_out' ? RUN_TIMED_OUT : RUN_FAILED, started + run.durationMs);
      run.error = { code: error.code, message: error.message, retryable: error.retryable };
      // A failed call to a paid API may still have cost money: it counts.
      if (usage.reported) run.usage = usageOfRun(usage);
      if (span) endRunSpan(span, run);
      return { run, emissions: [], error };
    } finally {
      this.stats.inFlight -= 1;
      this.#semaphore.release();
    }
  }

  #invoke(event: Envelope, attempt: number, shutdown: ShutdownRegistry, restrictions: Readonly<Restrictions>, usage: UsageTally, span: TraceSpan | undefined): Promise<unknown> {
    const { timeout } = this.driver.manifest.resources;
    const abort = new LazyAbort();
    const parentLogger = this.logger;
    const driverId = this.id;
    let logger: Logger | undefined;
    // Getters: the logger and the signal are built only if the driver uses them (hot path).
    const context: DriverContext = {
      get logger(): Logger {
        return (logger ??= parentLogger.child({ driver: driverId, eventId: event.id }));
      },
      get signal(): AbortSignal {
        return abort.signal;
      },
      clock: this.clock,
      idempotencyKey: `${event.userid}:${event.id}:${this.id}`,
      attempt,
      restrictions,
      reportUsage(report) {
        tally(usage, report);
      },
      trace: span ?? NOOP_SPAN,
    };
    shutdown.add(abort);
    // One promise settled by whichever comes first, the driver or its timeout: it returns at the
    // timeout even if the driver ignores its abort signal. (Promise.race over a timeout promise
    // built the same thing from three promises per run.)
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new KernelError('driver_timeout', `driver ${driverId} did not finish within ${timeout} ms`);
        abort.abort(error);
        settle();
        reject(error);
      }, timeout);
      const settle = (): void => {
        clearTimeout(timer);
        shutdown.delete(abort);
      };
      let handled: unknown;
      try {
        handled = this.driver.handle(event, context);
      } catch (error) {
        // A driver that throws before its first await.
        settle();
        reject(error);
        return;
      }
      Promise.resolve(handled).then(
        (outputs) => {
          settle();
          resolve(outputs);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  #toEmissions(parent: Envelope, outputs: unknown): Emission[] {
    if (outputs === undefined || outputs === null) return [];
    const parsed = outputsSchema.safeParse(outputs);
    if (!parsed.success) {
      throw new KernelError('driver_failed', `driver ${this.id} returned invalid events: ${z.prettifyError(parsed.error)}`, {
        retryable: false,
      });
    }
    const time = isoNow(this.clock);
    const keys = new Set<string>();
    return parsed.data.map((output, index) => {
      if (output.key !== undefined) {
        if (keys.has(output.key)) throw new KernelError('driver_failed', `driver ${this.id} emitted two events with the key "${output.key}"`, { retryable: false });
        keys.add(output.key);
      }
      const event: Envelope = {
        specversion: '1.0',
        id: output.key === undefined ? childEventId(parent, this.id, index) : keyedChildEventId(parent, this.id, output.key),
        type: output.type,
        source: output.source ?? `/drivers/${this.id}`,
        time,
        userid: parent.userid,
        category: output.category ?? 'internal',
        correlationid: parent.correlationid,
        causationid: parent.id,
        depth: parent.depth + 1,
        producer: this.id,
      };
      if (output.data !== undefined) event.data = output.data;
      if (output.subject !== undefined) event.subject = output.subject;
      if (output.datacontenttype !== undefined) event.datacontenttype = output.datacontenttype;
      if (output.awaitReply === true) event.replyto = this.id;
      if (parent.replyto !== undefined) event.recipient = parent.replyto;
      if (output.requireApproval !== undefined) event.approval = output.requireApproval;
      return output.deliverAt === undefined ? { event } : { event, notBefore: new Date(output.deliverAt) };
    });
  }

  #run(status: DriverRun['status'], started: number, attempt: number, emissions: Emission[]): DriverRun {
    return {
      driver: this.id,
      status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      emitted: emissions.map((emission) => emission.event.id),
      attempt,
    };
  }
}

/** The run's span says how it went, what it emitted and spent. */
function endRunSpan(span: TraceSpan, run: DriverRun): void {
  span.setAttributes({
    'vextir.driver.status': run.status,
    'vextir.driver.attempt': run.attempt,
    'vextir.driver.emitted': run.emitted.length,
    'vextir.usage.tokens': run.usage?.tokens,
    'vextir.usage.cost_usd': run.usage?.costUsd,
  });
  span.end(run.error);
}

const counted = (value: number): boolean => Number.isFinite(value) && value >= 0;

/** Adds one `reportUsage` call to the run's tally. */
function tally(usage: UsageTally, report: UsageReport): void {
  const { costUsd = 0, inputTokens = 0, outputTokens = 0, cachedInputTokens = 0 } = report;
  const tokens = report.tokens ?? inputTokens + outputTokens;
  // Ignore nonsense rather than let a driver lower its own count with negative numbers.
  if (![tokens, costUsd, inputTokens, outputTokens, cachedInputTokens].every(counted)) return;
  usage.tokens += tokens;
  usage.costUsd += costUsd;
  usage.reported = true;
  const model = report.model;
  if (typeof model !== 'string' || model.length === 0 || model.length > 128) return;
  usage.models ??= new Map();
  const sum = usage.models.get(model) ?? { model, calls: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 };
  sum.calls += 1;
  sum.inputTokens += inputTokens;
  sum.outputTokens += outputTokens;
  sum.cachedInputTokens += cachedInputTokens;
  sum.costUsd += costUsd;
  usage.models.set(model, sum);
}

function usageOfRun(usage: UsageTally): NonNullable<DriverRun['usage']> {
  const run: NonNullable<DriverRun['usage']> = { tokens: usage.tokens, costUsd: usage.costUsd };
  if (usage.models) run.models = [...usage.models.values()];
  return run;
}
