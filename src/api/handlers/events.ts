/**
 * GET /api/events/{id} and GET /api/events: a user's records — the caller's own, or with
 * `?user=` (admins only) another user's — listed newest first, a page at a time, optionally in
 * a time range and searched for a text.
 */
import { z } from 'zod';
import { eventIdSchema, eventStatusSchema, KernelError, type EventRecord } from '../../kernel/index.js';
import { cursorParam, encodeCursor } from '../event-cursor.js';
import { searchEvents, type SearchFilter } from '../event-search.js';
import { invalidInput } from '../validation.js';
import { MAX_LIST_LIMIT, parseQuery, timestampParam, typeFilterSchema, wholeNumberParam } from '../query.js';
import { auditView, eventView } from '../record-view.js';
import { json } from '../responses.js';
import { readableUser, userParam } from '../target-user.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

/** Enough history to explain every retry of one event; the audit log keeps the rest. */
const AUDIT_ENTRIES_SHOWN = 50;

const eventQuerySchema = z.strictObject({ user: userParam.optional() });

const listQuerySchema = z
  .strictObject({
    type: typeFilterSchema.optional(),
    since: timestampParam.optional(),
    until: timestampParam.optional(),
    status: eventStatusSchema.optional(),
    limit: wholeNumberParam(1, MAX_LIST_LIMIT).default(50),
    user: userParam.optional(),
    q: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    cursor: cursorParam.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.since !== undefined && query.until !== undefined && query.until <= query.since) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
    }
  });

export async function getEvent({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = eventIdSchema.safeParse(params['id']);
  if (!id.success) throw invalidInput('the event id', [{ field: 'id', reason: id.error.issues[0]?.message ?? 'is invalid' }]);
  const userId = readableUser(identity, parseQuery(request.url, eventQuerySchema).user, 'events');
  // Records are read in one user's partition: another user's id is simply not there (404, not 403).
  const record = await services.store.get(userId, id.data);
  if (!record) throw new KernelError('not_found', `no event "${id.data}" was found`);
  const audit = await services.audit.list(userId, { eventId: id.data, limit: AUDIT_ENTRIES_SHOWN });
  return json(200, { ...eventView(record), audit: audit.map(auditView) });
}

/**
 * `{events, cursor?}`: `cursor` is present when more records may follow (the page is full); pass
 * it back to get the next, older page. With `q`, also `scanned` (records searched) and
 * `searchComplete` (false when the scan budget ran out first; the cursor then continues the scan).
 */
export async function listEvents({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listQuerySchema);
  const userId = readableUser(identity, query.user, 'events');
  const filter: SearchFilter = {
    ...(query.type !== undefined && { types: query.type }),
    ...(query.since !== undefined && { since: query.since }),
    ...(query.until !== undefined && { until: query.until }),
    ...(query.status !== undefined && { status: query.status }),
  };
  if (query.q !== undefined) {
    const found = await searchEvents(services.store, userId, filter, query.q, query.limit, query.cursor);
    return json(200, {
      events: found.matches.map(eventView),
      ...(found.next !== undefined && { cursor: encodeCursor(found.next) }),
      scanned: found.scanned,
      searchComplete: found.complete,
    });
  }
  const records = await services.store.list(userId, { ...filter, limit: query.limit, ...(query.cursor !== undefined && { before: query.cursor }) });
  return json(200, { events: records.map(eventView), ...pageCursor(records, query.limit) });
}

/** A full page may have more behind it; a short one is the end. */
function pageCursor(records: readonly EventRecord[], limit: number): { cursor?: string } {
  const last = records.at(-1);
  return records.length === limit && last !== undefined ? { cursor: encodeCursor(last) } : {};
}
