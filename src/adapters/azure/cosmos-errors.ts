/**
 * The one place where @azure/cosmos failures become KernelErrors. Adapters wrap every SDK call
 * in `cosmosCall` and then branch on the KernelError's `code` (e.g. ignore `conflict` on an
 * idempotent create), never on the SDK's status or message.
 *
 * The SDK already retries throttling (429) and some transient failures itself; what reaches
 * this file is what was left after its retry policy gave up, so the retry decision here is for
 * the caller's caller (the bus redelivers a message whose handler threw a retryable error).
 */
import { KernelError, type KernelErrorCode } from '../../kernel/index.js';

/** The parts of the SDK's ErrorResponse (and core-rest-pipeline's RestError) we read. */
interface CosmosErrorLike {
  name?: unknown;
  message?: unknown;
  /** The HTTP status for a service answer; a string (`ECONNREFUSED`, `TimeoutError`) otherwise. */
  code?: unknown;
  statusCode?: unknown;
  substatus?: unknown;
  activityId?: unknown;
  retryAfterInMs?: unknown;
  retryAfterInMilliseconds?: unknown;
  headers?: unknown;
}

/** Socket and timeout failures: the request may never have reached the service. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'EPROTO', 'REQUEST_SEND_ERROR', 'TimeoutError',
]);

/** What a status means to the kernel and whether trying again may help. */
function classify(status: number): { code: KernelErrorCode; retryable: boolean } {
  switch (status) {
    // Every value the adapters send was schema-checked before it got here, so a malformed
    // request (bad query, wrong partition key) is a bug in the adapter, not the caller's input.
    case 400: return { code: 'internal', retryable: false };
    // Our key or managed identity was refused: an operator must fix the deployment. Not
    // `unauthenticated`, which would tell the API caller that *their* token is bad.
    case 401:
    case 403: return { code: 'forbidden', retryable: false };
    case 404: return { code: 'not_found', retryable: false };
    case 409: return { code: 'conflict', retryable: false };
    case 412: return { code: 'precondition_failed', retryable: true };
    // A document over 2 MB; the same record will never fit.
    case 413: return { code: 'payload_too_large', retryable: false };
    // Throttled beyond the SDK's own retries: a dependency that is busy, not a caller over its limit.
    case 429: return { code: 'unavailable', retryable: true };
    // 408 timeout, 410 gone (partition moved), 449 retry-with, 5xx: transient on the service side.
    case 408:
    case 410:
    case 449: return { code: 'unavailable', retryable: true };
    default:
      return status >= 500 ? { code: 'unavailable', retryable: true } : { code: 'internal', retryable: false };
  }
}

/** Convert anything an SDK call threw. `operation` says what was attempted, for the message. */
export function translateCosmosError(error: unknown, operation: string): KernelError {
  if (error instanceof KernelError) return error;
  const failure: CosmosErrorLike = typeof error === 'object' && error !== null ? (error) : {};
  const status = httpStatus(failure);
  const text = firstLine(typeof failure.message === 'string' ? failure.message : String(error));
  const details: Record<string, unknown> = { operation };
  if (status !== undefined) details.status = status;
  if (typeof failure.substatus === 'number') details.substatus = failure.substatus;
  if (typeof failure.activityId === 'string') details.activityId = failure.activityId;

  if (status !== undefined) {
    const { code, retryable } = classify(status);
    const retryAfterMs = retryAfter(failure);
    return new KernelError(code, `Cosmos DB ${operation} failed with ${status}: ${text}`, {
      retryable,
      cause: error,
      details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const name = typeof failure.name === 'string' ? failure.name : '';
  const code = typeof failure.code === 'string' ? failure.code : '';
  if (NETWORK_CODES.has(code) || name === 'AbortError' || name === 'TimeoutError') {
    return new KernelError('unavailable', `Cosmos DB ${operation} could not reach the service: ${text}`, { retryable: true, cause: error, details: { ...details, network: code || name } });
  }
  // @azure/identity: no credential available *yet* (managed identity endpoint starting) may pass;
  // a credential that was tried and refused will be refused again.
  if (name === 'CredentialUnavailableError') {
    return new KernelError('unavailable', `Cosmos DB ${operation}: no Azure credential is available: ${text}`, { retryable: true, cause: error, details });
  }
  if (name === 'AuthenticationError' || name === 'AggregateAuthenticationError') {
    return new KernelError('forbidden', `Cosmos DB ${operation}: the Azure credential was refused: ${text}`, { retryable: false, cause: error, details });
  }
  return new KernelError('internal', `Cosmos DB ${operation} failed: ${text}`, { retryable: false, cause: error, details });
}

/** Run one SDK call, translating its failure. */
export async function cosmosCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateCosmosError(error, operation);
  }
}

function httpStatus(failure: CosmosErrorLike): number | undefined {
  if (typeof failure.code === 'number' && Number.isInteger(failure.code)) return failure.code;
  if (typeof failure.statusCode === 'number' && Number.isInteger(failure.statusCode)) return failure.statusCode;
  return undefined;
}

/** The service's hint (`x-ms-retry-after-ms`), as the SDK parsed it or from the raw headers. */
function retryAfter(failure: CosmosErrorLike): number | undefined {
  for (const value of [failure.retryAfterInMs, failure.retryAfterInMilliseconds]) {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  }
  if (typeof failure.headers === 'object' && failure.headers !== null) {
    const raw = (failure.headers as Record<string, unknown>)['x-ms-retry-after-ms'];
    const value = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
    if (Number.isFinite(value) && value >= 0) return value;
  }
  return undefined;
}

/** Service messages carry a JSON blob, activity ids and request URIs on later lines. */
function firstLine(message: string): string {
  const line = message.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
