/**
 * What clients see of an event record (GET /api/events, the SSE stream): everything but the
 * partition key, which is the caller anyway, and the content digest, an ingress detail.
 */
import type { AuditEntry, EventRecord } from '../kernel/index.js';

export type EventView = Omit<EventRecord, 'userId' | 'digest'>;
export type AuditView = Omit<AuditEntry, 'userId'>;

export function eventView(record: EventRecord): EventView {
  const { userId: _userId, digest: _digest, ...view } = record;
  return view;
}

export function auditView(entry: AuditEntry): AuditView {
  const { userId: _userId, ...view } = entry;
  return view;
}
