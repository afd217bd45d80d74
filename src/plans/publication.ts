/**
 * What a committed transition publishes for the nodes it touched: requests (delayed for a retry's
 * backoff), timers (a step's timeout, a sleep's end, a wait's rescan), and for waiting nodes their
 * watches. Everything here is idempotent: ids are deterministic and watches are plain puts, so
 * doing it again after a crash is harmless.
 */
import type { Envelope } from '../kernel/index.js';
import type { Advance } from './activation.js';
import { requestEnvelope, timerEnvelope } from './envelopes.js';
import type { Plan, PlanNode } from './plan-state.js';

export interface Publication {
  events: Array<{ event: Envelope; notBefore?: Date }>;
  /** Nodes now waiting for events: register their watches, then look for events that came already. */
  waiting: PlanNode[];
  /** Nodes no longer waiting: their watches go. */
  unwatch: PlanNode[];
}

export async function publicationOf(plan: Plan, nodes: readonly PlanNode[], advance: Advance, now: Date, rescanAfterMs: number): Promise<Publication> {
  const publication: Publication = { events: [], waiting: [], unwatch: [] };
  if (plan.status === 'cancelled') {
    publication.unwatch.push(...nodes.filter((node) => node.def.action === 'wait_for_event'));
    return publication;
  }
  for (const node of nodes) {
    const attempt = node.attempts[node.attempts.length - 1];
    if (attempt === undefined) continue;
    const deadline = node.deadline === undefined ? undefined : { event: timerEnvelope(plan, node, attempt.number, node.status === 'sleeping' ? 'wake' : 'timeout', node.deadline), notBefore: new Date(node.deadline) };
    const requested = attempt.requestId !== undefined && (node.status === 'running' || node.status === 'retrying' || (node.status === 'completed' && node.def.wait === 'none'));
    if (requested) {
      let request = advance.requests.get(attempt.requestId!);
      if (request === undefined) request = advance.renderRequest(node, await advance.vars(node));
      const startsAt = new Date(attempt.startedAt);
      const event = requestEnvelope(plan, attempt, request, advance.t.cause, node.def.wait !== 'none');
      publication.events.push(startsAt > now ? { event, notBefore: startsAt } : { event });
    }
    if (deadline !== undefined && (node.status === 'running' || node.status === 'retrying' || node.status === 'waiting' || node.status === 'sleeping')) publication.events.push(deadline);
    if (node.def.action !== 'wait_for_event') continue;
    if (node.status === 'waiting') {
      publication.waiting.push(node);
      const at = new Date(new Date(attempt.startedAt).getTime() + rescanAfterMs);
      publication.events.push({ event: timerEnvelope(plan, node, attempt.number, 'rescan', at.toISOString()), notBefore: at });
    } else {
      publication.unwatch.push(node);
    }
  }
  return publication;
}
