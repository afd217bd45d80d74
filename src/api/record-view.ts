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

/**
 * An audit entry beside its event (GET /api/events/{id}). It keeps its chain fields, but without
 * `userId` its hash cannot be recomputed: GET /api/audit serves chain entries whole for that.
 */
export function auditView(entry: AuditEntry): AuditView {
  const { userId: _userId, ...view } = entry;
  return view;
}
