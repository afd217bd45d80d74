/**
 * How the SQLite queue reads its options, its deliveries and its outcomes: the small pure
 * functions sqlite-queue.ts applies to them.
 */
import { type Delivery, KernelError, type Outcome } from '../../kernel/index.js';
import type { Acknowledgement } from './sqlite-queue-tables.js';

/** Never throws: a listener's failure is not the queue's. */
export function notifyQuietly(listener: (() => void) | undefined): void {
  try {
    listener?.();
  } catch {
    // The listener (a host's cross-thread wake-up) reports its own problems.
  }
}

/** A consumer's name on its lock tokens: no '/', so one owner's tokens are one range. */
export function lockOwner(owner: string | undefined): string {
  if (owner === undefined) return '';
  if (!/^[\w.-]{1,64}$/.test(owner)) throw new KernelError('invalid_input', `lockOwner must be 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(owner)}`);
  return owner;
}

export function acknowledgement(outcome: Outcome, at: Date): Acknowledgement {
  switch (outcome.kind) {
    case 'retry':
      return { kind: 'unlock', visibleAt: at.getTime() + outcome.retryAfterMs };
    case 'poison':
      return { kind: 'dead_letter', reason: outcome.reason, description: outcome.description, at: at.toISOString() };
    default:
      return { kind: 'delete' };
  }
}

/** The token this queue gave the delivery; an empty one matches no lease (a foreign delivery). */
export function lockTokenOf(delivery: Delivery): string {
  return 'lockToken' in delivery && typeof delivery.lockToken === 'string' ? delivery.lockToken : '';
}

/** Bodies are untrusted: an unreadable one is passed on as text for the processor to reject. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new KernelError('invalid_input', `${name} must be a positive number, got ${value}`);
  return value;
}
