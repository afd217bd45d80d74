/**
 * The ids a plan's events get. They depend only on the plan's state (the plan, the node, the
 * attempt), never on the event that happened to advance it, so whichever delivery publishes a
 * node's request, and however often, it is the same event, and the bus and the event store
 * drop the copies.
 */
import { createHash } from 'node:crypto';

export const PLANS_DRIVER = 'plans';
export const PLAN_SOURCE = `/drivers/${PLANS_DRIVER}`;

/** A plan's id: the same for every delivery of the event that starts it. */
export function planIdFor(triggerId: string, instructionId: string): string {
  return `pl_${createHash('sha256').update(`${triggerId}\n${instructionId}`).digest('base64url').slice(0, 16)}`;
}

const PLAN_ID = /^pl_[A-Za-z0-9_-]{16}$/;
export function isPlanId(value: string): boolean {
  return PLAN_ID.test(value);
}

/** A node's request for one attempt: `<plan>.<node index>.<attempt>`. */
export function requestId(planId: string, index: number, attempt: number): string {
  return `${planId}.${index}.${attempt}`;
}

const REQUEST_ID = /^(pl_[A-Za-z0-9_-]{16})\.(\d{1,6})\.(\d{1,3})$/;

export interface RequestAddress {
  planId: string;
  index: number;
  attempt: number;
}

/** The node and attempt a request id names, or undefined for any other id. */
export function parseRequestId(id: string | undefined): RequestAddress | undefined {
  const match = id === undefined ? null : REQUEST_ID.exec(id);
  return match ? { planId: match[1]!, index: Number(match[2]), attempt: Number(match[3]) } : undefined;
}

export type TimerKind = 'timeout' | 'wake' | 'rescan';

export function timerId(planId: string, index: number, attempt: number, kind: TimerKind): string {
  return `${requestId(planId, index, attempt)}.${kind}`;
}
