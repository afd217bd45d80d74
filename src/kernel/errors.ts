/**
 * The one error type of Vextir OS. Every failure that crosses a boundary is converted to a
 * KernelError exactly once (adapters translate SDK errors, the processor translates driver
 * errors); callers branch on `code`, never on message text.
 */

/** What went wrong, and what the caller should do about it. */
export type KernelErrorCode =
  /** The input does not match its schema. Fix the input; retrying the same input fails again. */
  | 'invalid_input'
  /** No or bad credentials. Obtain a valid token. */
  | 'unauthenticated'
  /** The caller may not do this (policy, ACL, ownership). Not retryable. */
  | 'forbidden'
  /** The addressed record does not exist (or is not visible to the caller). */
  | 'not_found'
  /** The request conflicts with existing state (e.g. an event id reused with other content). */
  | 'conflict'
  /** An optimistic-concurrency check failed (stale ETag). Re-read and retry. */
  | 'precondition_failed'
  /** The body or a batch is larger than allowed. */
  | 'payload_too_large'
  /** The media type is not one this endpoint understands. */
  | 'unsupported_media_type'
  /** Too many requests; retry after `retryAfterMs`. */
  | 'rate_limited'
  /** An event chain exceeded the depth limit (loop guard). Not retryable. */
  | 'depth_exceeded'
  /** A driver did not finish within its manifest's timeout. Retryable. */
  | 'driver_timeout'
  /** A driver failed. `retryable` says whether running it again may help. */
  | 'driver_failed'
  /** A dependency (bus, store) is unavailable or throttling. Retryable. */
  | 'unavailable'
  /** The system is shutting down and takes no new work. Retryable elsewhere or later. */
  | 'shutting_down'
  /** The operation exists in the contract but this deployment cannot perform it. */
  | 'not_supported'
  /** A bug. Not retryable. */
  | 'internal';

const CODES: ReadonlySet<string> = new Set<KernelErrorCode>([
  'invalid_input', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'precondition_failed',
  'payload_too_large', 'unsupported_media_type', 'rate_limited', 'depth_exceeded', 'driver_timeout',
  'driver_failed', 'unavailable', 'shutting_down', 'not_supported', 'internal',
]);

const RETRYABLE_BY_DEFAULT: ReadonlySet<KernelErrorCode> = new Set([
  'precondition_failed',
  'rate_limited',
  'driver_timeout',
  'unavailable',
  'shutting_down',
]);

export interface KernelErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** For rate limiting and throttling: when a retry may succeed. */
  retryAfterMs?: number;
  /** Machine-readable details (e.g. the field that failed validation). */
  details?: Record<string, unknown>;
}

export class KernelError extends Error {
  override readonly name = 'KernelError';
  readonly code: KernelErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: KernelErrorCode, message: string, options: KernelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  toJSON(): { code: KernelErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** Convert anything thrown into a KernelError. Unknown errors are `internal` and not retryable. */
export function toKernelError(error: unknown, fallback: KernelErrorCode = 'internal'): KernelError {
  if (error instanceof KernelError) return error;
  // A driver module may bundle its own copy of this class: keep its code and retry decision.
  if (looksLikeKernelError(error)) {
    return new KernelError(error.code, error.message, { retryable: error.retryable, cause: error });
  }
  if (error instanceof Error) return new KernelError(fallback, error.message, { cause: error });
  return new KernelError(fallback, String(error));
}

export function isKernelError(error: unknown, code?: KernelErrorCode): error is KernelError {
  return error instanceof KernelError && (code === undefined || error.code === code);
}

function looksLikeKernelError(error: unknown): error is { code: KernelErrorCode; message: string; retryable: boolean } {
  if (!(error instanceof Error) || error.name !== 'KernelError') return false;
  const candidate = error as Error & { code?: unknown; retryable?: unknown };
  return typeof candidate.code === 'string' && CODES.has(candidate.code) && typeof candidate.retryable === 'boolean';
}
