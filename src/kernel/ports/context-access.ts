import type { Envelope } from '../envelope.js';

/**
 * Access to users' Context Hubs as the security stage decides it: the owner, or a grant covering
 * the path to the event's user or to the driver that emitted the event. The built-in context
 * driver asks through this port for what the stage does not check before it runs (a query's
 * prefix, a listing of the root), so drivers never import the security module that implements it.
 */
export interface ContextAccessControl {
  /** A path as a caller wrote it, normalized; throws KernelError `invalid_input` naming the problem. */
  normalizePath(path: string): string;
  /** May the sender of `event` have `access` to `owner`'s normalized `path`? `reason` says why (not). */
  check(event: Envelope, owner: string, path: string, access: 'read' | 'write'): Promise<{ allowed: boolean; reason: string }>;
}
