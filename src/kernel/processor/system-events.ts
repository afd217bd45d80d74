/**
 * Events the kernel itself emits about an event: `error` for a failed driver, `policy.notify`
 * for a notifying policy, `approval.requested` for a parked event, `event.denied` for a denied
 * one. Their ids are deterministic like any child's: a redelivery re-emits the same ids and
 * duplicate detection drops them.
 */
import type { Envelope } from '../envelope.js';
import type { KernelError } from '../errors.js';
import { childEventId } from '../ids.js';
import type { Clock } from '../ports/clock.js';
import type { Decision } from '../records.js';
import type { Emission } from './outcome.js';

export function errorEvent(now: Date, parent: Envelope, driverId: string, error: KernelError): Emission {
  const source = driverId === 'processor' ? '/kernel/processor' : `/drivers/${driverId}`;
  const data = { eventId: parent.id, eventType: parent.type, driver: driverId, code: error.code, message: error.message, retryable: error.retryable };
  return { event: child(parent, childEventId(parent, driverId, 'error'), 'error', source, 'internal', now, data) };
}

export function policyEvents(parent: Envelope, decision: Decision, clock: Clock): Emission[] {
  const emissions: Emission[] = [];
  if (decision.notifications === undefined && decision.approval === undefined) return emissions;
  const now = clock.now();
  for (const { policy, to, message } of decision.notifications ?? []) {
    const data = { policy, to, message, eventId: parent.id, eventType: parent.type };
    emissions.push({ event: child(parent, childEventId(parent, 'policy', `notify:${policy}`), 'policy.notify', '/kernel/policy', 'output', now, data) });
  }
  if (decision.verdict === 'require_approval' && decision.approval) {
    const { id, policy, reason } = decision.approval;
    const data = { approvalId: id, policy, reason, eventId: parent.id, eventType: parent.type, decide: `POST /api/approvals/${id}` };
    emissions.push({ event: child(parent, childEventId(parent, 'policy', `approval:${id}`), 'approval.requested', '/kernel/policy', 'output', now, data) });
  }
  return emissions;
}

/** The answer to an event the authorization stage denied (see deniedEvent). */
export const DENIED_EVENT_TYPE = 'event.denied';

/**
 * The answer to a denied event, so that whoever waits for an answer (a caller on the stream, an
 * agent, a plan) learns that no driver will run, and why: `{eventId, eventType, authorizer,
 * reason, policy?, contextPath?}`, with the denied event as causation and its correlation id.
 *
 * One type for every denial rather than each request's own error type (`context.error`...): the
 * denial happens before routing, so the kernel knows no driver's vocabulary, and an event may
 * route to several drivers or none. It carries the decision, never the event's data: it is an
 * event like any other and may be routed to drivers the data was not meant for (`contextPath`
 * is there so the `/Personal` policy keeps such answers internal, see namedContextPaths).
 *
 * None for a denied `event.denied`, so answers never answer each other; and the loop guard's
 * denials are not answered either (see the processor): an answer would be deeper still.
 */
export function deniedEvent(now: Date, parent: Envelope, decision: Decision): Emission | undefined {
  if (parent.type === DENIED_EVENT_TYPE) return undefined;
  const data: Record<string, unknown> = { eventId: parent.id, eventType: parent.type, authorizer: decision.authorizer, reason: decision.reason };
  if (decision.decidedBy !== undefined) data['policy'] = decision.decidedBy;
  if (decision.contextPath !== undefined) data['contextPath'] = decision.contextPath;
  // An answer's denial says what the answer answered, so the driver waiting for it can tell.
  if (parent.recipient !== undefined && parent.causationid !== undefined) data['answered'] = parent.causationid;
  return { event: child(parent, childEventId(parent, 'processor', 'denied'), DENIED_EVENT_TYPE, '/kernel/processor', 'output', now, data) };
}

/** The answer to an awaited event that got none (see unansweredEvent). */
export const UNANSWERED_EVENT_TYPE = 'event.unanswered';

/**
 * The answer to an event emitted with `awaitReply` that no driver answered: none handles its
 * type (`drivers` is empty), or those that ran returned nothing. Without it the waiting driver
 * (a plan's step) would wait for ever. `{eventId, eventType, drivers}`, addressed like any answer.
 */
export function unansweredEvent(now: Date, parent: Envelope, drivers: readonly string[]): Emission {
  const data = { eventId: parent.id, eventType: parent.type, drivers: [...drivers] };
  return { event: child(parent, childEventId(parent, 'processor', 'unanswered'), UNANSWERED_EVENT_TYPE, '/kernel/processor', 'internal', now, data) };
}

function child(parent: Envelope, id: string, type: string, source: string, category: Envelope['category'], now: Date, data: Record<string, unknown>): Envelope {
  const event: Envelope = {
    specversion: '1.0',
    id,
    type,
    source,
    time: now.toISOString(),
    userid: parent.userid,
    category,
    correlationid: parent.correlationid,
    causationid: parent.id,
    depth: parent.depth + 1,
    data,
  };
  // The kernel's own answers reach a driver waiting for replies like any driver's (a denied or
  // failed tool call, an approval it waits for), and so does the denial of an answer addressed
  // to it: otherwise it would wait for an answer that was stopped on its way.
  const addressee = parent.replyto ?? parent.recipient;
  if (addressee !== undefined) event.recipient = addressee;
  return event;
}
