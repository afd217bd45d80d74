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
}

/** One line per event: time, status, type, id, and what happened. */
export function formatRecordLine(record: RecordView): string {
  const time = (record.updatedAt ?? record.receivedAt ?? '').slice(11, 23);
  const drivers = record.drivers?.length ? ` drivers=${record.drivers.map((run) => `${run.driver}:${run.status}`).join(',')}` : '';
  const children = record.children?.length ? ` emitted=${record.children.length}` : '';
  const error = record.error ? ` error=${record.error.code}: ${record.error.message}` : '';
  return `${time} ${record.status.padEnd(13)} ${record.type.padEnd(24)} ${record.id}${drivers}${children}${error}`;
}
