/** Records, audit entries and outcomes for the contract suites, valid under the kernel's schemas. */
import type { AuditDraft, AuditEntry, Emission, Envelope, EventRecord, EventStatus, Outcome } from '../../src/kernel/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

export function makeRecord(event: Envelope, overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    userId: event.userid,
    id: event.id,
    type: event.type,
    status: 'processed',
    digest: `digest-${event.id}`,
    event,
    receivedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    attempts: 1,
    decision: { allowed: true, authorizer: 'allow-all', reason: 'test', policies: [] },
    drivers: [{ driver: 'echo', status: 'succeeded', durationMs: 1, emitted: [], attempt: 1 }],
    children: [],
    ...overrides,
  };
}

/** A record for a fresh event of the given user, id, type and receive time. */
export function recordOf(userid: string, id: string, type: string, receivedAt: string, status: EventStatus = 'processed'): EventRecord {
  return makeRecord(makeEvent({ userid, id, type }), { receivedAt, status });
}

/** An `event` entry as the processor drafts it, every defaulted field given (so it equals a read-back entry minus the chain). */
export function makeAudit(record: EventRecord, attempt = 1): AuditDraft {
  return {
    userId: record.userId,
    id: `${record.id}-${attempt}`,
    at: '2026-01-01T00:00:00.000Z',
    kind: 'event',
    eventId: record.id,
    eventType: record.type,
    attempt,
    status: record.status,
    drivers: ['echo'],
    emitted: record.children,
  };
}

/** A stored entry without the fields the log's chain added: what was appended. */
export function unchained(entry: AuditEntry): AuditDraft {
  const { seq: _seq, prevHash: _prevHash, hash: _hash, ...draft } = entry;
  return draft;
}

/** The child event a driver emitted for `parent`. */
export function childOf(parent: Envelope, id: string): Envelope {
  return makeEvent({ id, userid: parent.userid, type: 'demo.child', correlationid: parent.correlationid, causationid: parent.id, depth: parent.depth + 1 });
}

export function completeOutcome(event: Envelope, emissions: Emission[] = [], status: EventStatus = 'processed'): Outcome & { kind: 'complete' } {
  const record = makeRecord(event, { status, children: emissions.map((emission) => emission.event.id) });
  return { kind: 'complete', record, emissions, audit: makeAudit(record) };
}

export function retryOutcome(event: Envelope, emissions: Emission[], retryAfterMs: number): Outcome & { kind: 'retry' } {
  const record = makeRecord(event, { status: 'accepted', children: emissions.map((emission) => emission.event.id) });
  const error = { code: 'driver_timeout', message: 'slow', retryable: true };
  return { kind: 'retry', record, emissions, audit: makeAudit(record), retryAfterMs, error };
}

/** A throttled event's outcome: published again not before `notBefore` as its `count`-th round. */
export function delayOutcome(event: Envelope, notBefore: Date, count = 1, emissions: Emission[] = []): Outcome & { kind: 'delay' } {
  const throttle = { policy: 'limit', window: 'minute' as const, runAt: notBefore.toISOString() };
  const decision = { allowed: false, authorizer: 'policy-engine', reason: 'over the limit', policies: ['limit'], verdict: 'throttle' as const, throttle };
  const record = makeRecord(event, { status: 'throttled', decision, drivers: [], children: emissions.map((emission) => emission.event.id), throttle: { ...throttle, count } });
  return { kind: 'delay', record, emissions, audit: makeAudit(record), republish: { event, notBefore, release: `throttle:${count}` } };
}
