/**
 * The calls in flight in one pack process: a `handle` message per call, answered by `result` or
 * `error`. A call the host gives up on (its timeout, its signal, a violation) is rejected at once
 * and cancelled in the child; if the child does not answer the cancel within the grace period,
 * the driver is stuck and the process is killed (`onStuck`).
 */
import { KernelError, toKernelError, type DriverContext, type DriverManifest, type Envelope } from '../../kernel/index.js';
import type { ChildMessage } from './protocol.js';
import type { SandboxProcess } from './sandbox-process.js';

export interface Call {
  readonly id: number;
  readonly manifest: DriverManifest;
  readonly event: Envelope;
  readonly context: DriverContext;
  readonly resolve: (outputs: unknown) => void;
  readonly reject: (error: KernelError) => void;
  readonly cleanup: () => void;
}

type Answer = Extract<ChildMessage, { t: 'result' | 'error' }>;

export class CallTable {
  #next = 1;
  readonly #live = new Map<number, Call>();
  /** Calls given up on, waiting for the child to confirm the cancel, with their grace timers. */
  readonly #cancelling = new Map<number, { call: Call; timer: NodeJS.Timeout }>();

  constructor(
    private readonly process: SandboxProcess,
    private readonly cancelGraceMs: number,
    private readonly onStuck: (call: Call) => void,
  ) {}

  get inFlight(): number {
    return this.#live.size;
  }

  /** A live call, or one being cancelled (a violation or a usage report may still arrive for it). */
  find(id: number): Call | undefined {
    return this.#live.get(id) ?? this.#cancelling.get(id)?.call;
  }

  isLive(id: number): boolean {
    return this.#live.has(id);
  }

  run(driverIndex: number, manifest: DriverManifest, event: Envelope, context: DriverContext): Promise<unknown> {
    const id = this.#next++;
    const timeout = manifest.resources.timeout;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.abandon(id, new KernelError('driver_timeout', `driver ${manifest.id} did not finish within ${timeout} ms`)), timeout);
      const onAbort = (): void => {
        const reason: unknown = context.signal.reason;
        this.abandon(id, reason instanceof KernelError ? reason : new KernelError('driver_timeout', `driver ${manifest.id} was aborted: ${toKernelError(reason).message}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
      };
      this.#live.set(id, { id, manifest, event, context, resolve, reject, cleanup });
      if (context.signal.aborted) return onAbort();
      context.signal.addEventListener('abort', onAbort, { once: true });
      this.process.send({
        t: 'handle',
        id,
        driver: driverIndex,
        event,
        attempt: context.attempt,
        idempotencyKey: context.idempotencyKey,
        restrictions: context.restrictions,
      });
    });
  }

  answer(message: Answer): void {
    const cancelled = this.#cancelling.get(message.id);
    if (cancelled) {
      clearTimeout(cancelled.timer);
      this.#cancelling.delete(message.id);
      return;
    }
    const call = this.#live.get(message.id);
    // An answer to no call (it was settled already): late, harmless.
    if (!call) return;
    this.#live.delete(message.id);
    call.cleanup();
    if (message.t === 'result') call.resolve(message.outputs ?? undefined);
    else call.reject(driverError(call.manifest.id, message.error));
  }

  /** Fails a live call now and asks the child to cancel it. */
  abandon(id: number, error: KernelError): void {
    const call = this.#live.get(id);
    if (!call) return;
    this.#live.delete(id);
    call.cleanup();
    call.reject(error);
    this.process.send({ t: 'cancel', id, reason: error.message });
    const timer = setTimeout(() => {
      this.#cancelling.delete(id);
      this.onStuck(call);
    }, this.cancelGraceMs);
    this.#cancelling.set(id, { call, timer });
  }

  /** The process is gone: every live call fails with `error` (retryable: the bus redelivers). */
  failAll(error: KernelError): void {
    for (const call of this.#live.values()) {
      call.cleanup();
      call.reject(error);
    }
    this.#live.clear();
    for (const { timer } of this.#cancelling.values()) clearTimeout(timer);
    this.#cancelling.clear();
  }
}

/** The child's description of what its driver threw, as the kernel's error. */
function driverError(driverId: string, error: Extract<ChildMessage, { t: 'error' }>['error']): KernelError {
  if (error.name === 'KernelError' && error.code !== undefined && error.retryable !== undefined) {
    // toKernelError keeps its code and retry decision when the code is one of the kernel's.
    return toKernelError(Object.assign(new Error(error.message), { name: 'KernelError', code: error.code, retryable: error.retryable }), 'driver_failed');
  }
  return new KernelError('driver_failed', `driver ${driverId} failed: ${error.message}`, { retryable: false });
}
