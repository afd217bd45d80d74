/**
 * GET /api/stream: the caller's records as Server-Sent Events, as they are saved.
 *
 * Each message's `id:` is a store cursor, so a reconnecting EventSource resumes with
 * `Last-Event-ID`. The store gives one cursor per page, not per record: only the last record of
 * a page carries the page's cursor, earlier ones carry the cursor the page was read from. A
 * client cut off mid-page therefore gets part of that page again (at-least-once), never a gap.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ChangePage, type EventRecord, KernelError, matchesAny } from '../../kernel/index.js';
import { parseQuery, streamQuerySchema } from '../query.js';
import { eventView } from '../record-view.js';
import type { ApiResponse, ApiServices } from '../types.js';
import { invalidInput } from '../validation.js';
import type { AuthenticatedContext } from './context.js';

const PAGE_SIZE = 100;
/** Cursors are opaque to us; this only keeps junk (and line breaks, which would end the field) out. */
const CURSOR = /^[\x21-\x7e]{1,256}$/;

export async function getStream({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { filter = [] } = parseQuery(request.url, streamQuerySchema);
  const resumeFrom = lastEventId(request);
  // The first read happens now, not when the host starts pulling the body: a record saved in
  // between must come after the starting cursor, not before it.
  const first = await services.store.changes(identity.userId, resumeFrom, PAGE_SIZE);
  const stream = follow({ services, userId: identity.userId, filter, signal: request.signal }, first, resumeFrom);
  return { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, stream };
}

function lastEventId(request: AuthenticatedContext['request']): string | undefined {
  const value = request.headers.get('last-event-id')?.trim();
  if (value === undefined || value === '') return undefined;
  if (!CURSOR.test(value)) throw invalidInput('the Last-Event-ID header', [{ field: 'last-event-id', reason: 'is not a cursor this server sent' }]);
  return value;
}

interface Follow {
  services: ApiServices;
  userId: string;
  filter: readonly string[];
  signal: AbortSignal;
}

async function* follow({ services, userId, filter, signal }: Follow, first: ChangePage, from: string | undefined): AsyncGenerator<string> {
  const { clock, store, limits } = services;
  let lastWrite = clock.now().getTime();
  yield ': connected\n\n';
  let page = first;
  let cursor = from;
  let lastRead = performance.now();
  while (!signal.aborted) {
    // One write per page: a socket write per record cost more than the records themselves.
    const chunk = messages(page, cursor, filter).join('');
    if (chunk.length > 0) {
      lastWrite = clock.now().getTime();
      yield chunk;
    }
    cursor = page.cursor;
    if (clock.now().getTime() - lastWrite >= limits.streamHeartbeatMs) {
      lastWrite = clock.now().getTime();
      yield ': heartbeat\n\n';
    }
    // A full page means more is waiting: read on without sleeping.
    if (page.records.length < PAGE_SIZE) {
      await services.waitForChanges(userId, limits.streamPollMs, signal);
      // Under load each batch of the user's settles wakes the stream: read at most every
      // streamMinIntervalMs, so one query returns many records instead of hundreds returning a few.
      const wait = limits.streamMinIntervalMs - (performance.now() - lastRead);
      if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
    if (signal.aborted) return;
    lastRead = performance.now();
    try {
      page = await store.changes(userId, cursor, PAGE_SIZE);
    } catch (error) {
      // End the stream rather than hide the failure: the client reconnects with Last-Event-ID.
      services.logger.warn({ err: error, code: error instanceof KernelError ? error.code : undefined }, 'the event stream could not read changes');
      return;
    }
  }
}

function messages(page: ChangePage, from: string | undefined, filter: readonly string[]): string[] {
  const last = page.records.length - 1;
  return page.records.flatMap((record, index) => {
    if (!matchesAny(filter, record.type)) return [];
    return [format(record, index === last ? page.cursor : from)];
  });
}

function format(record: EventRecord, id: string | undefined): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${record.status}\ndata: ${JSON.stringify(eventView(record))}\n\n`;
}
