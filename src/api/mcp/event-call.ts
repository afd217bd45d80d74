/**
 * A call from an MCP client becomes an event, exactly as an agent's tool call does: the tool
 * (from the tool registry) turns validated arguments into a request event, the event enters
 * through the same ingress as POST /api/events (stamped with the token's user), and the
 * processor validates, authorizes (ACLs, policies, PII, rate limits, budgets, approvals),
 * audits and routes it. The answer is the child event the tool recognizes as its reply, read
 * from the caller's own records.
 */
import { FINAL_STATUSES, KernelError, newEventId, type EventRecord } from '../../kernel/index.js';
import type { ToolDefinition, ToolReply } from '../../registries/tools/index.js';
import type { AuthenticatedContext } from '../handlers/context.js';
import { acceptEvents } from '../handlers/ingest.js';
import { plainEventSchema, toEnvelope } from '../ingest-schemas.js';
import { releaseToClient } from './release.js';

/** The `source` of every event an MCP client starts: the audit trail and event history show where a call came from. */
export const MCP_EVENT_SOURCE = '/mcp';

/** How often to look for the answer where the host cannot wake us on a change (Azure). */
const POLL_MS = 200;

export type EventCallOutcome =
  /** The request event was accepted and the tool does not wait for answers (emit_event). */
  | { kind: 'emitted'; eventId: string }
  | { kind: 'answered'; eventId: string; reply: ToolReply }
  /** The answer exists, but a policy keeps it from external recipients (release.ts). */
  | { kind: 'withheld'; eventId: string; answerType: string; reason: string }
  /** A require_approval policy parked the request until a person decides. */
  | { kind: 'awaiting_approval'; eventId: string; approvalId: string | undefined; reason: string }
  /** A throttle policy (a rate limit) delayed the request: it runs at `runAt`, not within this call. */
  | { kind: 'throttled'; eventId: string; runAt: string | undefined; reason: string }
  /** The request ended (failed, dead-lettered) without an answer the tool knows. */
  | { kind: 'unanswered'; eventId: string; status: string; reason: string }
  | { kind: 'pending'; eventId: string; status: string };

/** Emits the event for a call whose arguments the registry already validated, and waits for its answer. */
export async function callThroughEvents(context: AuthenticatedContext, tool: ToolDefinition, args: Record<string, unknown>): Promise<EventCallOutcome> {
  const { services, identity } = context;
  const call = tool.toEvent(args);
  const incoming = plainEventSchema.safeParse({ type: call.type, data: call.data, source: MCP_EVENT_SOURCE });
  if (!incoming.success) throw new KernelError('invalid_input', `${tool.name}: the event it makes is invalid: ${incoming.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const envelope = toEnvelope(incoming.data, { userId: identity.userId, now: services.clock.now().toISOString(), newId: newEventId });
  await acceptEvents(services, [envelope]);
  if (!tool.awaitsReply) return { kind: 'emitted', eventId: envelope.id };
  return awaitAnswer(context, tool, envelope.id);
}

async function awaitAnswer(context: AuthenticatedContext, tool: ToolDefinition, eventId: string): Promise<EventCallOutcome> {
  const { services, identity, request } = context;
  // Answers take a bus round trip (milliseconds embedded, longer on Service Bus); past the limit
  // the client gets the event id to look up later, rather than a request held open by a stalled
  // worker. Wall-clock time, not the injected clock: this bounds how long a connection is held.
  const stop = AbortSignal.any([request.signal, AbortSignal.timeout(services.limits.mcpAnswerWaitMs)]);
  for (;;) {
    const record = await services.store.get(identity.userId, eventId);
    const outcome = record === undefined ? undefined : await outcomeOf(context, tool, record);
    if (outcome !== undefined) return outcome;
    if (stop.aborted) return { kind: 'pending', eventId, status: record?.status ?? 'accepted' };
    await services.waitForChanges(identity.userId, POLL_MS, stop);
  }
}

/** The outcome a record shows so far; undefined while the answer may still come. */
async function outcomeOf(context: AuthenticatedContext, tool: ToolDefinition, record: EventRecord): Promise<EventCallOutcome | undefined> {
  if (record.status === 'awaiting_approval') {
    const approval = record.decision?.approval;
    return { kind: 'awaiting_approval', eventId: record.id, approvalId: approval?.id, reason: approval?.reason ?? record.decision?.reason ?? 'a policy requires approval' };
  }
  if (record.status === 'throttled') return { kind: 'throttled', eventId: record.id, runAt: record.throttle?.runAt, reason: record.decision?.reason ?? 'a rate limit delayed it' };
  if (record.children.length > 0) {
    // Children are recorded when the processor takes them, so an answer may be listed before it
    // can be read; and it is the client's only once authorized like any event (policies apply to answers).
    const children = await context.services.store.getMany(context.identity.userId, record.children);
    const answer = children.find((child) => tool.isReply({ type: child.type, data: child.event.data }));
    if (answer !== undefined) return answerOutcome(record.id, answer);
    if (children.length < record.children.length) return undefined;
  }
  // A final record already lists every child: none of them answers (no driver took the request).
  if (!FINAL_STATUSES.has(record.status)) return undefined;
  return { kind: 'unanswered', eventId: record.id, status: record.status, reason: whyUnanswered(record) };
}

function answerOutcome(eventId: string, answer: EventRecord): EventCallOutcome | undefined {
  if (answer.status === 'denied') return { kind: 'withheld', eventId, answerType: answer.type, reason: `the answer was denied: ${answer.decision?.reason ?? 'by a policy'}` };
  // A driver that also listens to the answer may fail on it; the answer itself was still allowed.
  if (!FINAL_STATUSES.has(answer.status)) return undefined;
  const release = releaseToClient(answer);
  if (!release.ok) return { kind: 'withheld', eventId, answerType: answer.type, reason: release.reason };
  return { kind: 'answered', eventId, reply: { type: answer.type, data: release.data } };
}

function whyUnanswered(record: EventRecord): string {
  if (record.error !== undefined) return record.error.message;
  if (record.status === 'denied') return record.decision?.reason ?? 'denied';
  const runs = record.drivers.map((run) => `${run.driver} ${run.status}${run.error === undefined ? '' : ` (${run.error.message})`}`);
  return runs.length > 0 ? `no answer came from the drivers: ${runs.join('; ')}` : `no driver took ${record.type}`;
}
