/** POST /api/events: validate every event of the request, then hand them to the kernel's ingress. */
import { type Envelope, ingest, type IngestResult, KernelError, newEventId, nextWindowStart } from '../../kernel/index.js';
import { detectIngestMode, parseIngest } from '../ingest-parse.js';
import { json } from '../responses.js';
import type { ApiResponse, ApiServices } from '../types.js';
import type { AuthenticatedContext } from './context.js';

export async function postEvents({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const mode = detectIngestMode(request.headers);
  const body = await request.body(services.limits.maxBodyBytes);
  const events = parseIngest(mode, request.headers, body, {
    userId: identity.userId,
    now: services.clock.now().toISOString(),
    newId: newEventId,
    maxBatchSize: services.limits.maxBatchSize,
  });
  const result = await acceptEvents(services, events);
  return json(202, result.duplicates.length > 0 ? { ids: result.ids, duplicates: result.duplicates } : { ids: result.ids });
}

/**
 * Hands validated root events (stamped with the caller's user) to the kernel's ingress and
 * counts them: the one way events enter from outside, for POST /api/events and the MCP server.
 * Refuses them (`rate_limited`) while too many of the user's events wait for a throttle.
 */
export async function acceptEvents(services: ApiServices, events: readonly Envelope[]): Promise<IngestResult> {
  const userId = events[0]?.userid;
  if (userId !== undefined) await refuseWhileBacklogged(services, userId);
  const result = await ingest(events, { bus: services.bus, store: services.store, clock: services.clock, sharedCommit: services.sharedCommit === true });
  // Re-sends were counted the first time; the counter is of events taken in, not requests.
  const duplicates = new Set(result.duplicates);
  for (const event of events) if (!duplicates.has(event.id)) services.metrics.eventIngested(event.type);
  return result;
}

/**
 * Backpressure. A throttle policy delays what is over a rate limit rather than dropping it, so
 * a client that keeps sending faster than its limit would grow a queue of delayed events without
 * end. Past `maxDelayedEvents` of them, nothing more is taken in (429) that would only wait; the
 * client retries when the earliest waiting round is due (the count drops then), else in a minute.
 */
async function refuseWhileBacklogged(services: ApiServices, userId: string): Promise<void> {
  const now = services.clock.now();
  const delayed = await services.security.delayed.count(userId, now);
  const bound = services.limits.maxDelayedEvents;
  if (delayed.events < bound) return;
  const retryAt = delayed.nextSlot ?? nextWindowStart('minute', now);
  const retryAfterMs = Math.max(1000, retryAt.getTime() - now.getTime());
  const seconds = Math.ceil(retryAfterMs / 1000);
  throw new KernelError(
    'rate_limited',
    `${delayed.events} of your events are waiting for a rate limit (throttled, not yet run), and at most ${bound} may wait: no more are accepted now; retry in ${seconds} s`,
    { retryAfterMs, details: { delayed: delayed.events, bound } },
  );
}
