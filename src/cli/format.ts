/** The record fields the CLI prints (a subset of GET /api/events/{id}). */
export interface RecordView {
  id: string;
  type: string;
  status: string;
  updatedAt?: string;
  receivedAt?: string;
  drivers?: Array<{ driver: string; status: string }>;
  children?: string[];
  error?: { code: string; message: string };
  decision?: { authorizer: string; reason: string };
  throttle?: { runAt: string; count: number };
}

/** One line per event: time, status, type, id, and what happened. */
export function formatRecordLine(record: RecordView): string {
  const time = (record.updatedAt ?? record.receivedAt ?? '').slice(11, 23);
  const drivers = record.drivers?.length ? ` drivers=${record.drivers.map((run) => `${run.driver}:${run.status}`).join(',')}` : '';
  const children = record.children?.length ? ` emitted=${record.children.length}` : '';
  const error = record.error ? ` error=${record.error.code}: ${record.error.message}` : '';
  // A denial's why is in its decision (the loop guard also sets `error`, shown above instead).
  const denied = record.status === 'denied' && !record.error && record.decision ? ` by ${record.decision.authorizer}: ${record.decision.reason}` : '';
  // A delayed event runs by itself: say when, and how often a rate limit has delayed it.
  const throttled = record.status === 'throttled' && record.throttle ? ` runs at ${record.throttle.runAt} (throttled ${record.throttle.count}x)` : '';
  return `${time} ${record.status.padEnd(13)} ${record.type.padEnd(24)} ${record.id}${drivers}${children}${error}${denied}${throttled}`;
}
