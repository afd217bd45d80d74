/** POST /api/events: validate every event of the request, then hand them to the kernel's ingress. */
import { type Envelope, ingest, type IngestResult, newEventId } from '../../kernel/index.js';
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
 */
export async function acceptEvents(services: ApiServices, events: readonly Envelope[]): Promise<IngestResult> {
  const result = await ingest(events, { bus: services.bus, store: services.store, clock: services.clock, sharedCommit: services.sharedCommit === true });
  // Re-sends were counted the first time; the counter is of events taken in, not requests.
  const duplicates = new Set(result.duplicates);
  for (const event of events) if (!duplicates.has(event.id)) services.metrics.eventIngested(event.type);
  return result;
}
