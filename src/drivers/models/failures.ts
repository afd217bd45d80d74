/**
 * What a failed provider call means for the fallback chain, decided once here:
 *
 * - `retryable`: 408, 409, 425, 429, 5xx, network failures, no answer within the call's timeout.
 *   Another model may answer now, and this one later: try the next candidate; if every
 *   candidate fails this way, the kernel redelivers the request.
 * - `fatal`: 400, 401, 403. The request or the credentials are wrong, and another model of the
 *   same request would most likely be refused too: answer `provider_error` at once.
 * - `next`: anything else (404 for a model the provider does not have, a malformed answer, an
 *   answer that is not the requested JSON). Try the next candidate, but not again later.
 */
import type { Sdk } from './sdk.js';

export type FailureKind = 'retryable' | 'fatal' | 'next';

export interface Failure {
  kind: FailureKind;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** Tokens a failed call still consumed (an answer that was not the requested JSON). */
  usage?: { inputTokens: number; outputTokens: number; cachedInputTokens?: number };
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);
const FATAL_STATUS = new Set([400, 401, 403]);

/** `timedOut`: the call's own timeout fired (not the driver's signal). */
export function classifyFailure(sdk: Sdk, error: unknown, timedOut: { afterMs: number } | undefined): Failure {
  if (timedOut) return { kind: 'retryable', message: `no answer within ${timedOut.afterMs} ms` };
  if (sdk.ai.APICallError.isInstance(error)) {
    const status = error.statusCode;
    const message = providerMessage(error.message, error.responseBody);
    if (status === undefined) return { kind: error.isRetryable ? 'retryable' : 'next', message };
    const retryAfterMs = retryAfter(error.responseHeaders);
    const failure: Failure = { kind: kindOfStatus(status), message, status };
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
    return failure;
  }
  if (sdk.ai.NoObjectGeneratedError.isInstance(error)) {
    const failure: Failure = { kind: 'next', message: error.message };
    if (error.usage) {
      failure.usage = { inputTokens: error.usage.inputTokens ?? 0, outputTokens: error.usage.outputTokens ?? 0 };
      const cached = error.usage.inputTokenDetails.cacheReadTokens;
      if (cached) failure.usage.cachedInputTokens = cached;
    }
    return failure;
  }
  return { kind: 'next', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

function kindOfStatus(status: number): FailureKind {
  if (FATAL_STATUS.has(status)) return 'fatal';
  if (RETRYABLE_STATUS.has(status) || status >= 500) return 'retryable';
  return 'next';
}

/** `retry-after-ms` (OpenAI, Azure), else `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers['retry-after'];
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The provider's own error message when its body has one (`{error: {message}}`, both wire formats). */
function providerMessage(fallback: string, body: string | undefined): string {
  if (!body) return fallback;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message : fallback;
  } catch {
    return fallback;
  }
}
