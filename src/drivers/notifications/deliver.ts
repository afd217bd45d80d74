/**
 * One POST to a channel, and what its answer means:
 * - 2xx: delivered.
 * - 408, 429, 5xx, no answer within the channel's timeout, a network failure: worth retrying
 *   (with the receiver's Retry-After when it sends one).
 * - any other status, redirects included (not followed: the configured URL is the only
 *   destination): refused for good.
 */
import { VERSION } from '../../version.js';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, IDEMPOTENCY_KEY_HEADER, SIGNATURE_HEADER, signWebhook } from './signature.js';
import type { WebhookChannel } from './channels.js';

export type PostResult =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status?: number; error: string; retryAfterMs?: number }
  | { kind: 'rejected'; status: number; error: string };

export interface PostRequest {
  channel: WebhookChannel;
  body: string;
  eventId: string;
  idempotencyKey: string;
  attempt: number;
  now: Date;
  signal: AbortSignal;
}

export async function postToChannel(request: PostRequest): Promise<PostResult> {
  const { channel } = request;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `Vextir-OS/${VERSION}`,
    [IDEMPOTENCY_KEY_HEADER]: request.idempotencyKey,
    [EVENT_ID_HEADER]: request.eventId,
    [ATTEMPT_HEADER]: String(request.attempt),
  };
  if (channel.secret !== undefined) headers[SIGNATURE_HEADER] = signWebhook(channel.secret, request.body, Math.floor(request.now.getTime() / 1000));
  const timeout = AbortSignal.timeout(channel.timeoutMs);
  let response: Response;
  try {
    response = await fetch(channel.url, { method: 'POST', headers, body: request.body, redirect: 'manual', signal: AbortSignal.any([request.signal, timeout]) });
  } catch (error) {
    if (timeout.aborted) return { kind: 'retry', error: `no answer within ${channel.timeoutMs} ms` };
    // Shutting down (or the driver's own timeout): the kernel redelivers; this is no attempt's fault.
    if (request.signal.aborted) throw request.signal.reason;
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'retry', error: `could not reach the receiver: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
  }
  const text = await response.text().catch(() => '');
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const detail = `${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'), request.now.getTime());
    return { kind: 'retry', status, error: `the receiver answered ${detail}`, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  if (status >= 300 && status < 400) return { kind: 'rejected', status, error: `the receiver redirected (${status}); redirects are not followed` };
  return { kind: 'rejected', status, error: `the receiver refused it: ${detail}` };
}

/** Retry-After in seconds or as an HTTP date; capped at an hour. */
function retryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 3_600_000) : undefined;
}
