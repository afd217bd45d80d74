/**
 * The events a plan publishes, built from its state alone (ids from ids.ts, time from the
 * attempt), so publishing them again after a crash or a redelivery yields the same events.
 *
 * They enter through the kernel's idempotent ingest, as root events of their own: a node's
 * request is its own correlation (so whatever the handling driver emits later for it, an agent's
 * final answer included, carries the request's id as correlation and finds its way back), at
 * the plan's depth (a 200-step chain is not 400 hops deep, while a plan that starts itself
 * deepens each time and meets the loop guard).
 */
import type { Envelope } from '../kernel/index.js';
import type { RenderedRequest } from './step-runtime.js';
import { PLAN_SOURCE, PLANS_DRIVER, timerId, type TimerKind } from './ids.js';
import type { Attempt, Plan, PlanNode } from './plan-state.js';

/** Not under `plan.*`: a user following their plans' events (a `plan.*` stream) does not want the engine's alarms. */
export const TIMER_EVENT = 'timer.plan';

export function requestEnvelope(plan: Plan, attempt: Attempt, request: RenderedRequest, cause: string, awaits = true): Envelope {
  const id = attempt.requestId!;
  const event: Envelope = {
    specversion: '1.0',
    id,
    type: request.type,
    source: PLAN_SOURCE,
    time: attempt.startedAt,
    userid: plan.userId,
    category: 'internal',
    correlationid: id,
    causationid: cause,
    depth: plan.depth,
  };
  // A step that does not wait for its result does not ask for answers either.
  if (awaits) event.replyto = PLANS_DRIVER;
  if (request.data !== undefined) event.data = request.data;
  if (request.subject !== undefined) event.subject = request.subject;
  return event;
}

export function timerEnvelope(plan: Plan, node: PlanNode, attempt: number, kind: TimerKind, at: string): Envelope {
  return {
    specversion: '1.0',
    id: timerId(plan.id, node.def.index, attempt, kind),
    type: TIMER_EVENT,
    source: PLAN_SOURCE,
    time: at,
    userid: plan.userId,
    category: 'internal',
    correlationid: plan.correlationId,
    causationid: plan.trigger.id,
    depth: plan.depth,
    data: { plan: plan.id, node: node.def.index, attempt, kind },
  };
}

/** `plan.started`, and `plan.completed` / `plan.failed` / `plan.cancelled` once it ends. */
export function planEventEnvelope(plan: Plan, which: 'started' | 'finished'): Envelope {
  const type = which === 'started' ? 'plan.started' : `plan.${plan.status}`;
  const data: Record<string, unknown> = { plan: plan.id, instruction: plan.instruction.id, status: plan.status, nodes: plan.nodeCount };
  if (which === 'finished') {
    if (plan.outputs !== undefined) data['outputs'] = plan.outputs;
    if (plan.error !== undefined) data['error'] = plan.error;
    if (plan.failures.length > 0) data['failures'] = plan.failures;
    if (plan.finishedAt !== undefined) data['durationMs'] = new Date(plan.finishedAt).getTime() - new Date(plan.startedAt ?? plan.createdAt).getTime();
  }
  return {
    specversion: '1.0',
    id: which === 'started' ? `${plan.id}.started` : `${plan.id}.finished.${plan.round}`,
    type,
    source: PLAN_SOURCE,
    time: which === 'started' ? (plan.startedAt ?? plan.createdAt) : (plan.finishedAt ?? plan.updatedAt),
    userid: plan.userId,
    category: 'output',
    correlationid: plan.correlationId,
    causationid: plan.trigger.id,
    depth: plan.depth,
    subject: `plans/${plan.id}`,
    data,
  };
}
