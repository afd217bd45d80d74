/**
 * GET /api/events/aggregate?type=&window=7d&bucket=hour|day: how many of a user's events of a
 * type were received per bucket over the window ending now, and their average `data.duration`
 * (seconds). What a dashboard chart draws, counted here rather than from one page of events in
 * the browser. Buckets are whole UTC hours or days, the first one holding the window's start and
 * the last one now; every one is listed, zeros included, and only events inside
 * [now - window, now] are counted. The store is read a page at a time, newest first, up to
 * MAX_AGGREGATE_SCAN records; past that the answer says `truncated` (its older buckets undercount).
 */
import { z } from 'zod';
import { timeWindowSchema, windowMs, type EventPosition, type EventRecord } from '../../kernel/index.js';
import { parseQuery, typeFilterSchema } from '../query.js';
import { json } from '../responses.js';
import { readableUser, userParam } from '../target-user.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

export const MAX_AGGREGATE_SCAN = 50_000;
const PAGE = 1000;
const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;

const aggregateQuerySchema = z.strictObject({
  type: typeFilterSchema.refine((patterns) => patterns.length > 0, 'must name a type pattern such as "task.*" ("*" for every type)'),
  window: timeWindowSchema.default('7d'),
  bucket: z.enum(['hour', 'day']).default('day'),
  user: userParam.optional(),
});

export interface AggregateBucket {
  start: string;
  count: number;
  /** The mean of the bucket's events' numeric `data.duration`; null when none has one. */
  averageDurationSeconds: number | null;
}

export interface EventAggregate {
  type: string;
  window: string;
  bucket: 'hour' | 'day';
  from: string;
  to: string;
  buckets: AggregateBucket[];
  scanned: number;
  truncated: boolean;
}

export async function getEventAggregate({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, aggregateQuerySchema);
  const userId = readableUser(identity, query.user, 'events');
  const to = services.clock.now();
  const from = new Date(to.getTime() - windowMs(query.window));
  const size = BUCKET_MS[query.bucket];
  const first = Math.floor(from.getTime() / size) * size;
  const tallies = Array.from({ length: Math.floor(to.getTime() / size) - first / size + 1 }, () => ({ count: 0, durations: 0, timed: 0 }));
  // `until` is exclusive and the window includes now: one millisecond past it.
  const range = { types: query.type, since: from, until: new Date(to.getTime() + 1) };
  let scanned = 0;
  let position: EventPosition | undefined;
  let truncated = false;
  for (;;) {
    const limit = Math.min(PAGE, MAX_AGGREGATE_SCAN - scanned);
    const page = await services.store.list(userId, { ...range, limit, ...(position !== undefined && { before: position }) });
    for (const record of page) {
      const tally = tallies[Math.floor((Date.parse(record.receivedAt) - first) / size)];
      if (tally === undefined) continue;
      tally.count += 1;
      const duration = durationSeconds(record);
      if (duration !== undefined) {
        tally.durations += duration;
        tally.timed += 1;
      }
    }
    scanned += page.length;
    const last = page.at(-1);
    if (page.length < limit || last === undefined) break;
    if (scanned >= MAX_AGGREGATE_SCAN) {
      truncated = true;
      break;
    }
    position = { receivedAt: last.receivedAt, id: last.id };
  }
  const aggregate: EventAggregate = {
    type: query.type.join(','),
    window: query.window,
    bucket: query.bucket,
    from: from.toISOString(),
    to: to.toISOString(),
    buckets: tallies.map((tally, index) => ({
      start: new Date(first + index * size).toISOString(),
      count: tally.count,
      averageDurationSeconds: tally.timed === 0 ? null : tally.durations / tally.timed,
    })),
    scanned,
    truncated,
  };
  return json(200, aggregate);
}

/**
 * `data.duration` in seconds; `data.duration_ms` counts too, as the /apps charts have always read
 * it. Anything else (absent, a string, NaN) leaves the event out of the average, not the count.
 */
function durationSeconds(record: EventRecord): number | undefined {
  const data = record.event.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { duration, duration_ms: durationMs } = data as Record<string, unknown>;
  if (typeof duration === 'number' && Number.isFinite(duration)) return duration;
  if (typeof durationMs === 'number' && Number.isFinite(durationMs)) return durationMs / 1000;
  return undefined;
}
