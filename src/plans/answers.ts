/**
 * What an event means for the node whose request it answers. A step's result is the first event
 * the handling driver returns for its request: an answer addressed to the plans driver (the
 * kernel addresses every output of an awaited event), or, for drivers that answer later (an
 * agent answers after its model and tool calls), the first `output` event in the request's own
 * correlation. Events that only say something is under way are notices and change nothing.
 *
 *   failure   `error` (a driver failed), `event.denied`, a type ending in `.error` or `.failed`
 *   notice    `approval.requested`, `policy.notify`, `plan.started`; and any event that itself
 *             awaits a reply (a question the handling driver asks, not its answer)
 *   `event.unanswered` (the kernel: no driver answered): a failure when no driver handles the
 *             type, otherwise done with a null output (the drivers that ran returned nothing)
 *   sub-plans finish with `plan.completed` (success) or `plan.failed` / `plan.cancelled`
 */
import type { Envelope } from '../kernel/index.js';
import type { NodeDefinition } from './plan-definition.js';
import type { NodeError } from './plan-state.js';

export type Settlement = { kind: 'success'; output: unknown } | { kind: 'failure'; error: NodeError } | { kind: 'notice' };

const NOTICES: ReadonlySet<string> = new Set(['approval.requested', 'policy.notify', 'plan.started']);

export function settlementOf(node: NodeDefinition, event: Envelope): Settlement {
  if (event.replyto !== undefined || NOTICES.has(event.type)) return { kind: 'notice' };
  const data = isRecord(event.data) ? event.data : {};
  const text = (field: string, fallback: string) => textOf(data[field], fallback);
  if (event.type === 'error') return failure(text('code', 'driver_failed'), `${text('driver', 'a driver')} failed: ${text('message', 'no reason given')}`);
  if (event.type === 'event.denied') return failure('denied', `denied by ${text('policy', text('authorizer', 'a policy'))}: ${text('reason', '')}`);
  if (event.type === 'event.unanswered') {
    // Answered by nobody: no driver handles the type (a failure), or the drivers that ran returned nothing (done, no output).
    const drivers = Array.isArray(data['drivers']) ? data['drivers'] : [];
    if (node.action === 'sub_plan') return { kind: 'notice' };
    return drivers.length === 0 ? failure('unhandled', `no driver handles ${text('eventType', 'the event')}`) : { kind: 'success', output: null };
  }
  if (node.action === 'sub_plan') {
    if (event.type === 'plan.completed') return { kind: 'success', output: data['outputs'] ?? null };
    if (event.type === 'plan.failed' || event.type === 'plan.cancelled') return failure('sub_plan_failed', `the sub-plan ${text('plan', '')} ended ${event.type.slice('plan.'.length)}${data['error'] === undefined ? '' : `: ${text('error', '')}`}`);
    return { kind: 'notice' };
  }
  if (event.type.endsWith('.error') || event.type.endsWith('.failed')) {
    const reason = data['reason'] ?? data['message'] ?? data['error'] ?? JSON.stringify(event.data ?? null).slice(0, 500);
    return failure(typeof data['code'] === 'string' ? data['code'] : 'step_failed', `${event.type}: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`);
  }
  return { kind: 'success', output: event.data ?? null };
}

function failure(code: string, message: string): Settlement {
  return { kind: 'failure', error: { code, message: message.slice(0, 2000) } };
}

function textOf(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
