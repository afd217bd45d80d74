/** GET /api/events/{id} and GET /api/events: the caller's records, never anyone else's. */
import { eventIdSchema, KernelError } from '../../kernel/index.js';
import { invalidInput } from '../validation.js';
import { listQuerySchema, parseQuery } from '../query.js';
import { auditView, eventView } from '../record-view.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

/** Enough history to explain every retry of one event; the audit log keeps the rest. */
const AUDIT_ENTRIES_SHOWN = 50;

export async function getEvent({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = eventIdSchema.safeParse(params['id']);
  if (!id.success) throw invalidInput('the event id', [{ field: 'id', reason: id.error.issues[0]?.message ?? 'is invalid' }]);
  // Records are read in the caller's partition: another user's id is simply not there (404, not 403).
  const record = await services.store.get(identity.userId, id.data);
  if (!record) throw new KernelError('not_found', `no event "${id.data}" was found`);
  const audit = await services.audit.list(identity.userId, { eventId: id.data, limit: AUDIT_ENTRIES_SHOWN });
  return json(200, { ...eventView(record), audit: audit.map(auditView) });
}

export async function listEvents({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listQuerySchema);
  const records = await services.store.list(identity.userId, {
    limit: query.limit,
    ...(query.type !== undefined && { types: query.type }),
    ...(query.since !== undefined && { since: query.since }),
    ...(query.status !== undefined && { status: query.status }),
  });
  return json(200, { events: records.map(eventView) });
}
