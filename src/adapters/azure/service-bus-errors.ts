/**
 * The one place where Service Bus SDK errors become KernelErrors. Callers branch on the
 * KernelError's `code` and `retryable`, never on the SDK's error or its message text.
 *
 * The mapping follows the SDK's ServiceBusErrorCode documentation (7.9: throttling is reported
 * as `ServiceBusy`, there is no separate code for it).
 */
import { isServiceBusError, MessagingError, type ServiceBusErrorCode } from '@azure/service-bus';
import { KernelError, type KernelErrorCode } from '../../kernel/index.js';

/** Service Bus asks clients to back off for about 10 seconds when it reports ServiceBusy. */
export const SERVICE_BUSY_BACKOFF_MS = 10_000;
/** A full or disabled queue does not recover in seconds: wait longer before trying again. */
export const ENTITY_BACKOFF_MS = 30_000;

interface Mapping {
  code: KernelErrorCode;
  retryable: boolean;
  retryAfterMs?: number;
}

const MAPPINGS: Record<ServiceBusErrorCode, Mapping> = {
  /** Throttled or overloaded: retry after the recommended pause. */
  ServiceBusy: { code: 'unavailable', retryable: true, retryAfterMs: SERVICE_BUSY_BACKOFF_MS },
  ServiceTimeout: { code: 'unavailable', retryable: true },
  ServiceCommunicationProblem: { code: 'unavailable', retryable: true },
  /** The queue is full: consumers will drain it, so a later retry can succeed. */
  QuotaExceeded: { code: 'unavailable', retryable: true, retryAfterMs: ENTITY_BACKOFF_MS },
  /** Disabled by an operator; retrying later succeeds once it is enabled again. */
  MessagingEntityDisabled: { code: 'unavailable', retryable: true, retryAfterMs: ENTITY_BACKOFF_MS },
  /** One message or one batch over the tier's limit (256 KiB Standard, 100 MiB Premium). */
  MessageSizeExceeded: { code: 'payload_too_large', retryable: false },
  /** Wrong key, or the identity lacks the Data Sender / Data Receiver role. */
  UnauthorizedAccess: { code: 'forbidden', retryable: false },
  /** The queue does not exist: a configuration error, not a transient one. */
  MessagingEntityNotFound: { code: 'not_found', retryable: false },
  MessageNotFound: { code: 'not_found', retryable: false },
  MessagingEntityAlreadyExists: { code: 'conflict', retryable: false },
  /** The lock expired or the message was settled elsewhere: it will be (or was) delivered again. */
  MessageLockLost: { code: 'conflict', retryable: false },
  SessionLockLost: { code: 'conflict', retryable: false },
  SessionCannotBeLocked: { code: 'unavailable', retryable: true },
  /** Unclassified: the SDK's own `retryable` flag decides (see below). */
  GeneralError: { code: 'internal', retryable: false },
};

/**
 * Translate anything the SDK threw into a KernelError. `action` says what was attempted
 * ("send to queue events"), for the message.
 */
export function toKernelErrorFromServiceBus(error: unknown, action: string): KernelError {
  if (error instanceof KernelError) return error;
  if (isServiceBusError(error)) {
    const mapping = MAPPINGS[error.code] ?? MAPPINGS.GeneralError;
    // A GeneralError the SDK marks retryable (e.g. a dropped connection) is a transient outage.
    const code = error.code === 'GeneralError' && error.retryable ? 'unavailable' : mapping.code;
    const retryable = mapping.retryable || (error.code === 'GeneralError' && error.retryable);
    return kernelError(code, retryable, mapping.retryAfterMs, `${action} failed: Service Bus ${error.code}: ${error.message}`, error);
  }
  if (error instanceof MessagingError) {
    // core-amqp's errors (connection, link) carry the SDK's retry decision.
    const code = error.retryable ? 'unavailable' : 'internal';
    return kernelError(code, error.retryable, undefined, `${action} failed: ${error.code ?? error.name}: ${error.message}`, error);
  }
  if (error instanceof Error && error.name === 'AbortError') {
    // The caller's signal fired, which in this system means the process is stopping.
    return new KernelError('shutting_down', `${action} was aborted`, { cause: error });
  }
  if (isSystemError(error)) {
    return kernelError('unavailable', true, undefined, `${action} failed: ${error.code}: ${error.message}`, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KernelError('internal', `${action} failed: ${message}`, { cause: error, retryable: false });
}

function kernelError(code: KernelErrorCode, retryable: boolean, retryAfterMs: number | undefined, message: string, cause: unknown): KernelError {
  return new KernelError(code, message, retryAfterMs === undefined ? { retryable, cause } : { retryable, cause, retryAfterMs });
}

/** Node's network errors (ECONNREFUSED, ECONNRESET, ...) that escape the SDK untranslated. */
function isSystemError(error: unknown): error is Error & { code: string } {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
