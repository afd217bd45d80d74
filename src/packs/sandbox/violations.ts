/**
 * What a pack tried beyond its grant, as the sandbox reports it (`onViolation`), and the two
 * things the system makes of it: an `access` entry in the audit trail of the event's user, and
 * the non-retryable error that fails the driver's run on that event.
 */
import { KernelError, type AuditDraft } from '../../kernel/index.js';

export type ViolationKind =
  /** A file read or write outside the grant (Node's permission model refused it). */
  | 'fs.read'
  | 'fs.write'
  /** A child process, worker thread, native addon or WASI instance the manifest did not declare. */
  | 'child_process'
  | 'worker'
  | 'addon'
  | 'wasi'
  | 'permission'
  /** A socket, server or DNS query of the driver's own (the network goes through `fetch`). */
  | 'net'
  /** A fetch of a host the manifest does not declare (the host refused to perform it). */
  | 'fetch'
  /** A message the child sent that the protocol does not allow (malformed, oversized, unknown). */
  | 'protocol';

export interface PackViolation {
  pack: string;
  kind: ViolationKind;
  /** The path, host, command or message that was refused. */
  target: string;
  reason: string;
  at: string;
  /** The driver and event during whose handling it happened; absent at load time or in background work. */
  driver?: string;
  eventId?: string;
  userId?: string;
}

/** `pack.fs.read`, `pack.fetch`, `pack.protocol`, ... */
export function violationAction(kind: ViolationKind): string {
  return `pack.${kind}`;
}

/**
 * The audit entry for a violation: kind `access`, in the chain of the event's user, or of
 * `fallbackUserId` (the pack's installer, or an operator) when it happened outside an event.
 */
export function violationAuditDraft(violation: PackViolation, entry: { id: string; fallbackUserId: string }): AuditDraft {
  return {
    userId: violation.userId ?? entry.fallbackUserId,
    id: entry.id,
    at: violation.at,
    kind: 'access',
    action: violationAction(violation.kind),
    target: truncate(`${violation.pack}${violation.driver ? `/${violation.driver}` : ''}: ${violation.target}`, 1000),
    reason: truncate(violation.reason, 1000),
    ...(violation.eventId === undefined ? {} : { eventId: violation.eventId }),
  };
}

/** The error a driver run fails with when the pack tried something beyond its grant while handling the event. */
export function violationError(violation: PackViolation): KernelError {
  return new KernelError('forbidden', `pack ${violation.pack}${violation.driver ? ` (driver ${violation.driver})` : ''} was stopped: ${describe(violation)}`, {
    retryable: false,
    details: { pack: violation.pack, violation: violation.kind, target: violation.target },
  });
}

function describe(violation: PackViolation): string {
  switch (violation.kind) {
    case 'fs.read':
      return `it read ${violation.target}, outside the files its grant allows`;
    case 'fs.write':
      return `it wrote ${violation.target}, outside the files its grant allows`;
    case 'fetch':
      return `it fetched ${violation.target}, a host its grant does not allow`;
    case 'net':
      return `it opened a socket of its own (${violation.target}); packs reach the network only through fetch`;
    case 'protocol':
      return `its process broke the sandbox protocol (${violation.reason})`;
    default:
      return `it started a ${violation.kind.replace('_', ' ')} (${violation.target}), which its manifest does not declare`;
  }
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
