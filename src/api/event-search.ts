/**
 * `GET /api/events?q=`: a case-insensitive substring search done here, not in the stores: it scans
 * the records that match the other filters, newest first, a page at a time, and keeps those whose
 * id, type, source, status or data (as JSON) contain the text. A scan stops at MAX_SEARCH_SCAN
 * records, so one request costs the same on every store whatever the history's size; the answer
 * says how far it got, and its cursor continues the scan from there.
 */
import type { EventPosition, EventQuery, EventRecord, EventStore } from '../kernel/index.js';

export const MAX_SEARCH_SCAN = 5000;
/** Records read per store call: large enough that a scan takes a few round trips, not thousands. */
const SCAN_PAGE = 500;

export interface SearchResult {
  matches: EventRecord[];
  scanned: number;
  /** Where the next page starts (the last match when the page filled, the last record scanned when the budget ran out). */
  next?: EventPosition;
  /**
   * False when the scan budget ran out before the page filled: older records are unsearched
   * (pass `next` on to search them). True when every record up to `next` (or all of them) was searched.
   */
  complete: boolean;
}

export type SearchFilter = Omit<EventQuery, 'limit' | 'before'>;

export async function searchEvents(store: EventStore, userId: string, filter: SearchFilter, text: string, limit: number, start?: EventPosition): Promise<SearchResult> {
  const needle = text.toLowerCase();
  const matches: EventRecord[] = [];
  let position = start;
  let scanned = 0;
  while (scanned < MAX_SEARCH_SCAN) {
    const size = Math.min(SCAN_PAGE, MAX_SEARCH_SCAN - scanned);
    const page = await store.list(userId, { ...filter, limit: size, ...(position !== undefined && { before: position }) });
    for (const record of page) {
      scanned += 1;
      position = { receivedAt: record.receivedAt, id: record.id };
      if (!contains(record, needle)) continue;
      matches.push(record);
      if (matches.length === limit) return { matches, scanned, next: position, complete: true };
    }
    if (page.length < size) return { matches, scanned, complete: true };
  }
  return { matches, scanned, ...(position !== undefined && { next: position }), complete: false };
}

function contains(record: EventRecord, needle: string): boolean {
  const { event } = record;
  const fields = [record.id, record.type, event.source, record.status];
  if (fields.some((field) => field.toLowerCase().includes(needle))) return true;
  return event.data !== undefined && (JSON.stringify(event.data) ?? '').toLowerCase().includes(needle);
}
