/**
 * Keeps a pack's process running: starts it, hands calls to it, and when it ends unexpectedly
 * (a crash, a kill for a hang or a broken protocol) fails its calls retryably — the bus
 * redelivers them — and starts a new one after an exponential back-off, reset once a process has
 * stayed up for a healthy while. Attempts beyond the grant are reported and fail their call.
 */
import { z } from 'zod';
import { driverManifestSchema, KernelError, isoNow, systemClock, type Clock, type DriverContext, type DriverManifest, type Envelope, type Logger, type UsageReport } from '../../kernel/index.js';
import { CallTable } from './calls.js';
import { DEFAULT_FETCH_LIMITS, performFetch, type FetchLimits, type SandboxFetch } from './host-fetch.js';
import { heapMegabytes } from './node-flags.js';
import type { PackSandboxOptions, ResolvedLimits } from './options.js';
import type { ChildMessage } from './protocol.js';
import { describeExit, type ProcessEvents, type ProcessExit, type SandboxProcess } from './sandbox-process.js';
import { violationError, type PackViolation, type ViolationKind } from './violations.js';

export type SpawnProcess = (events: ProcessEvents, heapMb: number | undefined) => SandboxProcess;

interface Session {
  process: SandboxProcess;
  calls: CallTable;
  /** Requests the host performs for the child, by the child's fetch id. */
  fetches: Map<number, AbortController>;
  readyAt: number;
}

export interface SupervisorStats {
  state: 'running' | 'restarting' | 'stopped';
  pid: number | undefined;
  starts: number;
  restarts: number;
  consecutiveFailures: number;
  lastExit: string | undefined;
  violations: number;
  inFlight: number;
}

export class PackSupervisor {
  #current: Session | undefined;
  #manifests: DriverManifest[] | undefined;
  #declaredHeapMb: number | undefined;
  readonly #waiters = new Set<{ resolve: (session: Session) => void; reject: (error: Error) => void }>();
  #restartTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #starts = 0;
  #violations = 0;
  #lastExit: string | undefined;
  #stopped = false;
  readonly #fetch: SandboxFetch;
  readonly #fetchLimits: FetchLimits;
  readonly #clock: Clock;

  constructor(
    private readonly options: PackSandboxOptions,
    private readonly limits: ResolvedLimits,
    private readonly spawnProcess: SpawnProcess,
    fetchImpl: SandboxFetch,
  ) {
    this.#fetch = fetchImpl;
    this.#fetchLimits = { ...DEFAULT_FETCH_LIMITS, ...options.fetchLimits };
    this.#clock = options.clock ?? systemClock;
  }

  get #logger(): Logger {
    return this.options.logger;
  }

  /** The first start: the drivers' manifests, or the reason the pack cannot run. */
  async start(): Promise<DriverManifest[]> {
    await this.#launch();
    return this.#manifests!;
  }

  async run(driverIndex: number, manifest: DriverManifest, event: Envelope, context: DriverContext): Promise<unknown> {
    const session = this.#current ?? (await this.#nextSession(manifest, context.signal));
    return session.calls.run(driverIndex, manifest, event, context);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    for (const waiter of this.#waiters) waiter.reject(new KernelError('shutting_down', `pack ${this.options.pack} is stopping`));
    this.#waiters.clear();
    const session = this.#current;
    this.#current = undefined;
    if (session) await session.process.stop(this.limits.stopGraceMs);
  }

  stats(): SupervisorStats {
    return {
      state: this.#stopped ? 'stopped' : this.#current ? 'running' : 'restarting',
      pid: this.#current?.process.pid,
      starts: this.#starts,
      restarts: Math.max(0, this.#starts - 1),
      consecutiveFailures: this.#failures,
      lastExit: this.#lastExit,
      violations: this.#violations,
      inFlight: this.#current?.calls.inFlight ?? 0,
    };
  }

  async #launch(): Promise<void> {
    const heapMb = this.options.memory === undefined ? this.#declaredHeapMb : heapMegabytes(this.options.memory);
    const session = {} as Session;
    session.process = this.spawnProcess(
      {
        message: (message) => this.#message(session, message),
        protocolViolation: (reason) => this.#report(session, undefined, 'protocol', 'protocol', reason),
        exited: (exit) => this.#exited(session, exit),
      },
      heapMb,
    );
    session.calls = new CallTable(session.process, this.limits.cancelGraceMs, (call) =>
      session.process.kill(`driver ${call.manifest.id} did not stop within ${this.limits.cancelGraceMs} ms of being cancelled`),
    );
    session.fetches = new Map();
    this.#starts += 1;
    try {
      this.#accept(await session.process.ready);
    } catch (error) {
      session.process.kill('it failed to start');
      throw error instanceof KernelError ? error : new KernelError('driver_failed', String(error));
    }
    if (this.#stopped) {
      await session.process.stop(this.limits.stopGraceMs);
      return;
    }
    session.readyAt = performance.now();
    this.#current = session;
    for (const waiter of this.#waiters) waiter.resolve(session);
    this.#waiters.clear();
  }

  /** Checks the manifests the child reported (the first time) or that they did not change (after). */
  #accept(reported: unknown[]): void {
    const manifests = reported.map((raw, index) => {
      const parsed = driverManifestSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const module = this.options.drivers[index]?.module ?? `#${index}`;
      throw new KernelError('invalid_input', `pack ${this.options.pack}: driver module "${module}" has an invalid manifest: ${z.prettifyError(parsed.error)}`);
    });
    const ids = manifests.map((manifest) => manifest.id);
    if (manifests.length !== this.options.drivers.length) throw new KernelError('invalid_input', `pack ${this.options.pack}: ${manifests.length} drivers reported for ${this.options.drivers.length} modules`);
    if (new Set(ids).size !== ids.length) throw new KernelError('invalid_input', `pack ${this.options.pack}: two drivers share an id (${ids.join(', ')})`);
    if (this.#manifests && this.#manifests.map((manifest) => manifest.id).join() !== ids.join()) {
      throw new KernelError('invalid_input', `pack ${this.options.pack}: its drivers changed on restart (${ids.join(', ')})`);
    }
    this.#manifests ??= manifests;
    const declared = manifests.map((manifest) => manifest.resources.memory).filter((memory) => memory !== undefined).map(heapMegabytes);
    if (declared.length > 0) this.#declaredHeapMb = Math.max(...declared);
  }

  #nextSession(manifest: DriverManifest, signal: AbortSignal): Promise<Session> {
    if (this.#stopped) return Promise.reject(new KernelError('shutting_down', `pack ${this.options.pack} is stopping`));
    return new Promise<Session>((resolve, reject) => {
      const timeout = manifest.resources.timeout;
      const waiter = {
        resolve: (session: Session) => (done(), resolve(session)),
        reject: (error: Error) => (done(), reject(error)),
      };
      const giveUp = (error: KernelError): void => {
        this.#waiters.delete(waiter);
        waiter.reject(error);
      };
      const onAbort = (): void => giveUp(new KernelError('driver_timeout', `pack ${this.options.pack} was restarting and the call was aborted`));
      const timer = setTimeout(() => giveUp(new KernelError('driver_timeout', `pack ${this.options.pack} did not restart within ${timeout} ms`)), timeout);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  #message(session: Session, message: ChildMessage): void {
    switch (message.t) {
      case 'result':
      case 'error':
        return session.calls.answer(message);
      case 'usage':
        if (session.calls.isLive(message.id)) session.calls.find(message.id)?.context.reportUsage(usageReport(message.usage));
        return;
      case 'log': {
        const call = message.id === undefined ? undefined : session.calls.find(message.id);
        const logger = call?.context.logger ?? this.#logger;
        logger[message.level]({ pack: this.options.pack, ...message.fields }, message.message);
        return;
      }
      case 'violation':
        return this.#report(session, message.call, message.kind, message.target, message.message);
      case 'fetch':
        return void this.#performFetch(session, message);
      case 'fetch.cancel':
        return session.fetches.get(message.id)?.abort();
      default:
        return;
    }
  }

  async #performFetch(session: Session, request: Extract<ChildMessage, { t: 'fetch' }>): Promise<void> {
    if (session.fetches.has(request.id)) return this.#report(session, request.call, 'protocol', 'fetch', `fetch id ${request.id} reused`);
    const controller = new AbortController();
    session.fetches.set(request.id, controller);
    const answer = await performFetch(request, this.options.permissions.network.hosts, this.#fetch, this.#fetchLimits, controller.signal);
    session.fetches.delete(request.id);
    if (controller.signal.aborted) return;
    if (!answer.ok && answer.code === 'refused') this.#report(session, request.call, 'fetch', answer.target ?? request.url, answer.message);
    session.process.send(answer.ok ? { t: 'fetch.result', id: request.id, ...answer } : { t: 'fetch.result', id: request.id, ok: false, code: answer.code, message: answer.message });
  }

  #report(session: Session, callId: number | undefined, kind: ViolationKind, target: string, reason: string): void {
    const call = callId === undefined ? undefined : session.calls.find(callId);
    const violation: PackViolation = {
      pack: this.options.pack,
      kind,
      target,
      reason,
      at: isoNow(this.#clock),
      ...(call && { driver: call.manifest.id, eventId: call.event.id, userId: call.event.userid }),
    };
    this.#violations += 1;
    this.#logger.warn({ pack: this.options.pack, violation }, `pack ${this.options.pack} tried ${kind} beyond its grant: ${target}`);
    try {
      this.options.onViolation?.(violation);
    } catch (error) {
      this.#logger.error({ err: error, pack: this.options.pack }, 'reporting a pack violation failed');
    }
    if (call && session.calls.isLive(call.id)) session.calls.abandon(call.id, violationError(violation));
    // A process that broke the protocol is not spoken to again.
    if (kind === 'protocol') session.process.kill(`it broke the protocol: ${reason}`);
  }

  #exited(session: Session, exit: ProcessExit): void {
    const how = describeExit(exit);
    session.calls.failAll(new KernelError('driver_failed', `pack ${this.options.pack}'s process ended while handling the event (${how}); it is restarted`, { retryable: true }));
    for (const controller of session.fetches.values()) controller.abort();
    if (this.#current !== session) return;
    this.#current = undefined;
    this.#lastExit = how;
    if (this.#stopped) return;
    if (performance.now() - session.readyAt >= this.limits.healthyAfterMs) this.#failures = 0;
    this.#logger.warn({ pack: this.options.pack, exit: how }, `pack ${this.options.pack}'s process ended (${how}); restarting it`);
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#stopped || this.#restartTimer) return;
    const delay = Math.min(this.limits.restartMaxMs, this.limits.restartBaseMs * 2 ** this.#failures);
    this.#failures += 1;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.#launch().catch((error: unknown) => {
        this.#logger.error({ err: error, pack: this.options.pack }, `pack ${this.options.pack} could not restart; trying again`);
        this.#scheduleRestart();
      });
    }, delay);
    this.#restartTimer.unref();
  }
}

/** The report without the fields the child left out (exactOptionalPropertyTypes). */
function usageReport(usage: Extract<ChildMessage, { t: 'usage' }>['usage']): UsageReport {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined));
}
