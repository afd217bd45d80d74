/**
 * The driver contract. The kernel owns it (the processor runs drivers), src/drivers re-exports
 * it for driver authors together with the registry and the built-in drivers.
 *
 * A driver declares the event types it handles as capabilities (exact types or `prefix.*`),
 * handles one event at a time and returns the events that follow from it.
 */
import { z } from 'zod';
import { DRIVER_ID, type EmittedEvent, type Envelope } from './envelope.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { TraceSpan } from './ports/tracing.js';
import type { Restrictions } from './restrictions.js';
import { isValidTypePattern } from './type-pattern.js';

const DURATION = /^(\d+)(ms|s|m)$/;

/** `30s`, `500ms`, `2m`, or a number of milliseconds. */
export const durationSchema = z
  .union([z.number().int().positive(), z.string().regex(DURATION, 'must look like "500ms", "30s" or "2m"')])
  .transform((value) => {
    if (typeof value === 'number') return value;
    const [, amount, unit] = DURATION.exec(value) ?? [];
    return Number(amount) * (unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
  });

export const driverKindSchema = z.enum(['agent', 'tool', 'io', 'ui']);
export type DriverKind = z.infer<typeof driverKindSchema>;

export const driverManifestSchema = z.strictObject({
  id: z.string().regex(DRIVER_ID, 'must be lower-case letters, digits, "_" or "-", starting with a letter'),
  name: z.string().min(1).max(200),
  version: z.string().regex(/^\d+\.\d+\.\d+([-+].*)?$/, 'must be a semantic version such as "1.0.0"'),
  type: driverKindSchema,
  author: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  capabilities: z
    .array(z.string().refine(isValidTypePattern, 'must be an event type, a "prefix.*" pattern or "*"'))
    .min(1, 'a driver must declare at least one capability'),
  /**
   * Whether the driver sends event data outside the system (a third-party API, a hosted model).
   * Assumed unless declared otherwise: policies can then keep personal data away from it
   * (`restrict: {external: false}` skips it, `redactPii` hands it a redacted copy).
   */
  external: z.boolean().default(true),
  resources: z
    .strictObject({
      /** How long one `handle` call may take before it is aborted and counted as timed out. */
      timeout: durationSchema.default(30_000),
      /** How many events this driver handles at once in one process. */
      maxConcurrency: z.number().int().min(1).max(10_000).default(16),
      /** Informational (as in the seed's manifest); the Functions plan decides real memory. */
      memory: z.string().regex(/^\d+(KB|MB|GB)$/).optional(),
    })
    .prefault({}),
});
export type DriverManifestInput = z.input<typeof driverManifestSchema>;
export type DriverManifest = z.output<typeof driverManifestSchema>;

/**
 * What a driver spent handling an event. `tokens` defaults to inputTokens + outputTokens. With
 * `model` (a registry model id) the report is also counted per user, model and day (`GET
 * /api/usage`); every call to `reportUsage` with a model counts as one call of that model.
 */
export interface UsageReport {
  tokens?: number;
  costUsd?: number;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
}

/** What a driver gets besides the event. */
export interface DriverContext {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Aborted when the manifest's timeout elapses or the system shuts down. */
  readonly signal: AbortSignal;
  /**
   * Stable across redeliveries of the same event to the same driver: pass it to any external
   * system that supports idempotency keys, so a retried side effect is applied once.
   */
  readonly idempotencyKey: string;
  /** 1 on the first delivery of this event. */
  readonly attempt: number;
  /**
   * What policies allow this driver to do for this event (`{}` when nothing is restricted).
   * Drivers that choose models must pick one allowed by `models`.
   */
  readonly restrictions: Readonly<Restrictions>;
  /** Report what handling the event spent (LLM tokens, money): counted in the user's budget. */
  reportUsage(usage: UsageReport): void;
  /**
   * The span of this driver run, for the spans of what the driver does (a model call, a tool
   * call) and its events (a plan step). NOOP_SPAN when tracing is off; absent only in contexts
   * built outside the processor (a test calling `handle`), so use `context.trace ?? NOOP_SPAN`.
   */
  readonly trace?: TraceSpan;
}

export interface Driver {
  readonly manifest: DriverManifest;
  /** Called once at start-up, before any event. */
  init?(): Promise<void>;
  /**
   * Handle one event. Return the events that follow from it (possibly none). Throw a
   * KernelError with `retryable: true` to have the event redelivered; any other error fails
   * the event for this driver and is reported as an `error` event.
   */
  handle(event: Envelope, context: DriverContext): Promise<readonly EmittedEvent[] | void>;
  /** Called once at shutdown, after the last event. */
  shutdown?(): Promise<void>;
}

/** Routes that depend on more than an event's type, e.g. the agents a user defined for themselves. */
export interface DynamicRoutes {
  /** Ids of registered drivers that should also handle `event`; sync when the answer is cached. */
  driversFor(event: Envelope): readonly string[] | Promise<readonly string[]>;
}

/** The kernel's view of the driver registry: who handles a type. */
export interface DriverDirectory {
  /** Drivers whose capabilities match `type`, in registration order. */
  route(type: string): readonly Driver[];
  /**
   * Every driver the processor may run: those `route` names, and any reached only through dynamic
   * routes (a skill pack's drivers, routed per user to those whose grant is in force).
   */
  all(): readonly Driver[];
  /**
   * For a directory whose drivers change while the system runs (skill packs added and removed):
   * a number that changes whenever `all()` or `route()` would answer differently. The processor
   * compares it on each event and rebuilds its routes when it moved. Absent: the drivers never change.
   */
  revision?(): number;
}
