/**
 * The UniversalEventProcessor's core, shared by the Service Bus trigger and the embedded worker:
 *
 *   validate -> dedupe -> loop guard -> authorize -> route -> run drivers -> collect outputs
 *
 * `process` decides an Outcome and writes nothing itself (drivers aside); the caller makes the
 * outcome durable: the embedded queue in one transaction, Azure as send -> record -> settle.
 */
import { z } from 'zod';
import { envelopeSchema, type Envelope } from '../envelope.js';
import { KernelError, toKernelError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { EventStore } from '../ports/store.js';
import type { TraceSpan, Tracer } from '../ports/tracing.js';
import { FINAL_STATUSES, type Decision, type ErrorInfo, type EventRecord, type EventStatus, type ThrottleDecision } from '../records.js';
import { restrictionBlocksDriver, type Restrictions } from '../restrictions.js';
import type { DelayedEventCounter, UsageRecorder } from '../ports/usage.js';
import { throttleRelease } from '../throttle.js';
import type { DriverDirectory, DynamicRoutes } from '../driver.js';
import type { Authorization, Authorizer } from './authorize.js';
import { DEFAULT_PROCESSOR_OPTIONS, type ProcessorOptions } from './options.js';
import type { Emission, Outcome } from './outcome.js';
import { deniedEvent, errorEvent, policyEvents, unansweredEvent } from './system-events.js';
import { addChildren, auditOf, endEventSpan, endWithError, recordUsage, startRecord } from './delivery-record.js';
import { DriverRoutes } from './routes.js';
import { type DriverRunner, neverRunReport, type DriverResult, type DriverStatsReport, type ShutdownRegistry } from './run-driver.js';
import { countDelayed, throttleRound, throttlesBefore, type ThrottleRound } from './throttled.js';

/** Observes processing; the Prometheus metrics implement it. */
export interface ProcessorObserver {
  eventSettled(type: string, status: EventStatus | 'retrying', seconds: number): void;
  driverRan(driver: string, status: string, seconds: number): void;
}

export interface ProcessorDeps {
  store: EventStore;
  drivers: DriverDirectory;
  authorizer: Authorizer;
  clock: Clock;
  logger: Logger;
  observer?: ProcessorObserver;
  /** Receives the spans of each delivery and driver run; none when tracing is off (nothing is built then). */
  tracer?: Tracer;
  /** Receives what drivers reported spending (tokens, cost), for budgets. */
  usage?: UsageRecorder;
  /** Counts each user's throttled events not yet run, for the ingress bound. */
  delayed?: DelayedEventCounter;
  /** Routes that depend on more than the event's type (a user's own agents). */
  dynamicRoutes?: DynamicRoutes;
  options?: Partial<ProcessorOptions>;
}

export interface DeliveryInfo {
  deliveryCount: number;
  /**
   * The bus's id of the message (its delivery key, see deliveryKey and isDeliveryOf), when the
   * host knows it: it tells a throttled event's newest re-publication from an older message of it.
   */
  messageId?: string;
}

/** What the stages after parsing need to know about this delivery. */
interface DeliveryState {
  attempt: number;
  /** An earlier delivery was already allowed (and counted in the user's usage). */
  allowedBefore: boolean;
  round: ThrottleRound & { kind: 'current' };
  messageId: string | undefined;
  /** The delivery's span, when tracing is on: the parent of the driver runs' spans. */
  span: TraceSpan | undefined;
}

/** The earliest a throttled event is delivered again, whatever its decision says: a past (or unreadable) `runAt` must not spin. */
const MIN_THROTTLE_DELAY_MS = 1000;

export class EventProcessor {
  readonly options: ProcessorOptions;
  readonly #routes: DriverRoutes;
  readonly #running: ShutdownRegistry = new Set();
  #stopped = false;

  constructor(private readonly deps: ProcessorDeps) {
    this.options = { ...DEFAULT_PROCESSOR_OPTIONS, ...deps.options };
    this.#routes = new DriverRoutes(deps.drivers, deps.dynamicRoutes, deps.clock, deps.logger);
  }

  /** A runner per driver of the directory (as of its current revision), by driver id. */
  get runners(): ReadonlyMap<string, DriverRunner> {
    return this.#routes.runners;
  }

  /** A driver's counters, latency and health as `GET /api/drivers` shows them; an unknown id reads as never run. */
  driverStats(id: string): DriverStatsReport {
    return this.runners.get(id)?.report() ?? neverRunReport();
  }

  /** Abort running drivers (they see their signal aborted) and refuse further work. */
  stop(): void {
    this.#stopped = true;
    for (const controller of this.#running) controller.abort(new KernelError('shutting_down', 'the system is shutting down'));
  }

  /** Not `async`: off, the delivery's promise is #deliver's own, with no wrapper around it (the hot path). */
  process(body: unknown, delivery: DeliveryInfo): Promise<Outcome> {
    if (this.#stopped) return Promise.reject(new KernelError('shutting_down', 'the processor is stopping'));
    const started = performance.now();
    const parsed = envelopeSchema.safeParse(body);
    if (!parsed.success) {
      return Promise.resolve({ kind: 'poison', reason: 'invalid_event', description: z.prettifyError(parsed.error) });
    }
    const tracer = this.deps.tracer;
    return tracer === undefined ? this.#deliver(parsed.data, delivery, started, undefined) : this.#traced(tracer, parsed.data, delivery, started);
  }

  async #traced(tracer: Tracer, event: Envelope, delivery: DeliveryInfo, started: number): Promise<Outcome> {
    const span = tracer.startEvent(event, delivery.deliveryCount);
    try {
      const outcome = await this.#deliver(event, delivery, started, span);
      endEventSpan(span, outcome);
      return outcome;
    } catch (caught) {
      endWithError(span, caught);
      throw caught;
    }
  }

  async #deliver(event: Envelope, delivery: DeliveryInfo, started: number, span: TraceSpan | undefined): Promise<Outcome> {
    const previous = await this.deps.store.get(event.userid, event.id);
    if (previous && FINAL_STATUSES.has(previous.status)) {
      return { kind: 'skip', reason: `already ${previous.status}` };
    }
    const round = throttleRound(event, previous, delivery.messageId);
    if (round.kind === 'superseded') return { kind: 'skip', reason: `superseded by its re-publication ${throttleRelease(round.count)}` };
    // A parked event comes back on a new message (its release), whose delivery count starts at 1
    // again. A throttled one too, but a throttled round ran nothing and failed nothing: its count
    // restarts with the message, so drivers see their first run as attempt 1 and get every retry.
    const attempt = previous?.status === 'awaiting_approval' ? Math.max(delivery.deliveryCount, previous.attempts + 1) : delivery.deliveryCount;
    const record = startRecord(this.deps.clock, event, previous, attempt);
    const state: DeliveryState = { attempt, allowedBefore: previous?.decision?.allowed === true, round, messageId: delivery.messageId, span };
    const outcome = await this.#decide(event, record, state);
    if (this.deps.delayed && outcome.kind !== 'skip' && outcome.kind !== 'poison') await countDelayed(this.deps.delayed, this.deps.logger, event, round.waited, outcome);
    const status = outcome.kind === 'retry' ? 'retrying' : outcome.kind === 'complete' || outcome.kind === 'delay' ? outcome.record.status : outcome.kind;
    this.deps.observer?.eventSettled(event.type, status as EventStatus, (performance.now() - started) / 1000);
    return outcome;
  }

  async #decide(event: Envelope, record: EventRecord, state: DeliveryState): Promise<Outcome> {
    const { attempt } = state;
    if (event.depth > this.options.maxDepth) {
      // Not answered with `event.denied`: the answer would be deeper still and denied in turn;
      // the record (GET /api/events/{id}, the stream) says why.
      const decision: Decision = {
        allowed: false,
        authorizer: 'loop-guard',
        reason: `event depth ${event.depth} exceeds the limit of ${this.options.maxDepth}; is there a loop between drivers?`,
        policies: [],
      };
      return this.#complete(record, 'denied', [], decision, { code: 'depth_exceeded', message: decision.reason, retryable: false });
    }
    let authorization: Authorization;
    try {
      authorization = await this.deps.authorizer.authorize(event, attempt);
    } catch (caught) {
      const error = toKernelError(caught);
      if (error.retryable) return this.#retry(record, [], undefined, error, attempt);
      // Fail closed: an authorizer that cannot decide denies, and says why.
      authorization = {
        decision: { allowed: false, authorizer: this.deps.authorizer.name, reason: `authorization failed: ${error.message}`, policies: [] },
      };
    }
    const outcome = await this.#afterAuthorization(event, record, state, authorization);
    const related = authorization.relatedAudit;
    return related && related.length > 0 && outcome.kind !== 'skip' && outcome.kind !== 'poison' ? { ...outcome, related } : outcome;
  }

  async #afterAuthorization(event: Envelope, record: EventRecord, state: DeliveryState, authorization: Authorization): Promise<Outcome> {
    const { attempt, allowedBefore } = state;
    const decision = authorization.decision;
    record.decision = decision;
    const fromPolicies = policyEvents(event, decision, this.deps.clock);
    if (decision.verdict === 'require_approval' && decision.approval) return this.#complete(record, 'awaiting_approval', fromPolicies, decision, undefined);
    if (decision.verdict === 'throttle' && decision.throttle) return this.#delay(event, record, fromPolicies, decision, decision.throttle, throttlesBefore(event, state.round, state.messageId) + 1);
    if (!decision.allowed) {
      // Answered, so that a caller waiting for an answer is not left waiting (see deniedEvent).
      const answer = deniedEvent(this.deps.clock.now(), event, decision);
      return this.#complete(record, 'denied', answer ? [...fromPolicies, answer] : fromPolicies, decision, undefined);
    }

    const results = await this.#runDrivers(event, record, attempt, authorization, state.span);
    // One pass over the results (this runs for every event): record the runs, collect the
    // emissions, find the first retryable error and the failures.
    const emissions = fromPolicies;
    let retryable: KernelError | undefined;
    let failures: Array<DriverResult & { error: KernelError }> | undefined;
    for (const result of results) {
      this.deps.observer?.driverRan(result.run.driver, result.run.status, result.run.durationMs / 1000);
      record.drivers.push(result.run);
      for (const emission of result.emissions) emissions.push(emission);
      const { error } = result;
      if (error?.retryable) retryable ??= error;
      else if (error) (failures ??= []).push({ ...result, error });
    }
    // Rates count what enters the system (depth 0), as the rate limits they serve: a plan's
    // steps or an agent's calls are bounded by the loop guard, their own limits and the budgets,
    // and must not make the user's next request wait.
    if (this.deps.usage) await recordUsage(this.deps, this.deps.usage, event, results, allowedBefore || event.depth > 0 ? 0 : 1);

    if (retryable) return this.#retry(record, emissions, decision, retryable, attempt);
    if (failures) {
      const errors = failures.map((failure) => errorEvent(this.deps.clock.now(), event, failure.run.driver, failure.error));
      return this.#complete(record, 'failed', [...emissions, ...errors], decision, failures[0]?.run.error);
    }
    if (event.replyto !== undefined && emissions.length === 0 && record.children.length === 0) {
      const ran = record.drivers.filter((run) => run.status === 'succeeded').map((run) => run.driver);
      emissions.push(unansweredEvent(this.deps.clock.now(), event, ran));
    }
    return this.#complete(record, 'processed', emissions, decision, undefined);
  }

  /** Runs the drivers the event routes to, except those that succeeded on an earlier delivery. */
  async #runDrivers(event: Envelope, record: EventRecord, attempt: number, authorization: Authorization, span: TraceSpan | undefined): Promise<DriverResult[]> {
    const routed = this.#routes.for(event);
    let runners = routed instanceof Promise ? await routed : routed;
    if (record.drivers.length > 0) {
      const alreadyDone = new Set(record.drivers.filter((run) => run.status === 'succeeded').map((run) => run.driver));
      runners = runners.filter((runner) => !alreadyDone.has(runner.id));
    }
    const restrictions = authorization.decision.restrictions;
    if (restrictions === undefined && authorization.externalView === undefined) {
      if (runners.length === 1) return [await runners[0]!.run(event, attempt, this.#running, undefined, span)]; // the usual case
      return Promise.all(runners.map((runner) => runner.run(event, attempt, this.#running, undefined, span)));
    }
    return this.#runRestricted(event, runners, attempt, authorization, restrictions ?? {}, span);
  }

  /** Drivers a policy keeps out are recorded as skipped; external ones see the redacted view. */
  async #runRestricted(event: Envelope, runners: DriverRunner[], attempt: number, authorization: Authorization, restrictions: Restrictions, span: TraceSpan | undefined): Promise<DriverResult[]> {
    return Promise.all(
      runners.map(async (runner): Promise<DriverResult> => {
        const { manifest } = runner.driver;
        const blocked = restrictionBlocksDriver(restrictions, manifest);
        if (blocked !== undefined) {
          const run = { driver: runner.id, status: 'skipped' as const, durationMs: 0, emitted: [], attempt };
          return { run: { ...run, error: { code: 'forbidden', message: blocked, retryable: false } }, emissions: [] };
        }
        const seen = manifest.external && authorization.externalView ? authorization.externalView : event;
        return runner.run(seen, attempt, this.#running, restrictions, span);
      }),
    );
  }

  /**
   * The event goes back on the bus, not before the decision's `runAt`, as its `count`-th
   * re-publication; this delivery ends. Usage is not counted: only admitted events count, or a
   * throttled burst would keep itself throttled.
   */
  #delay(event: Envelope, record: EventRecord, emissions: Emission[], decision: Decision, throttle: ThrottleDecision, count: number): Outcome {
    const earliest = this.deps.clock.now().getTime() + MIN_THROTTLE_DELAY_MS;
    const wanted = Date.parse(throttle.runAt);
    const runAt = new Date(Number.isFinite(wanted) ? Math.max(wanted, earliest) : earliest);
    record.status = 'throttled';
    record.throttle = { ...throttle, runAt: runAt.toISOString(), count };
    delete record.error;
    addChildren(record, emissions);
    const republish = { event, notBefore: runAt, release: throttleRelease(count) };
    return { kind: 'delay', record, emissions, audit: auditOf(record, decision), republish };
  }

  #retry(record: EventRecord, emissions: Emission[], decision: Decision | undefined, error: KernelError, attempt: number): Outcome {
    const info: ErrorInfo = { code: error.code, message: error.message, retryable: true };
    // A shutdown is not the event's fault: retry at once on the next start, never dead-letter.
    const shuttingDown = error.code === 'shutting_down';
    if (attempt >= this.options.maxDeliveryCount && !shuttingDown) {
      const reason = `gave up after ${attempt} deliveries: ${error.message}`;
      const gaveUp = errorEvent(this.deps.clock.now(), record.event, 'processor', new KernelError(error.code, reason, { retryable: false }));
      return this.#complete(record, 'dead_lettered', [...emissions, gaveUp], decision, { ...info, message: reason });
    }
    const backoff = shuttingDown ? 0 : Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    const retryAfterMs = Math.max(error.retryAfterMs ?? 0, backoff);
    record.status = 'accepted';
    record.error = info;
    addChildren(record, emissions);
    return { kind: 'retry', record, emissions, audit: auditOf(record, decision), retryAfterMs, error: info };
  }

  #complete(record: EventRecord, status: EventStatus, emissions: Emission[], decision: Decision | undefined, error: ErrorInfo | undefined): Outcome {
    record.status = status;
    if (decision) record.decision = decision;
    if (error) record.error = error;
    else delete record.error;
    addChildren(record, emissions);
    return { kind: 'complete', record, emissions, audit: auditOf(record, decision) };
  }


}


