/**
 * The ACL stage for `context.*` events: which context path an event touches, whose it is, and
 * whether the acting principal may read or write it. Runs before the policies, so that a policy
 * sees the normalized path (`context.path`) and an event that may not touch a path never gets
 * as far as a driver.
 *
 * - The path is `data.path`; a move also touches `data.to`. Both are normalized, and an
 *   invalid path (traversal, encoded tricks, Unicode look-alikes) denies the event.
 * - The owner is `data.owner` when given (another user's documents), else the event's user.
 * - The principal is the event's user, plus the driver when a driver emitted the event
 *   (the kernel's `producer`), so grants to `agent:<id>` apply to what that agent asks for.
 */
import { DENIED_EVENT_TYPE, isKernelError, type Envelope } from '../../kernel/index.js';
import { normalizeContextPath, principalOf, type Access, type GrantStore } from '../acl/index.js';

const WRITES: ReadonlySet<string> = new Set(['context.write', 'context.delete', 'context.move', 'context.put', 'context.restore']);

export type ContextAccess =
  | { kind: 'none' }
  /** `grantPath`: set when another user's path was reached through a grant on this folder. */
  | { kind: 'allowed'; path: string; owner: string; access: Access; grantPath?: string }
  | { kind: 'denied'; reason: string; path?: string };

const NO_CONTEXT: ContextAccess = Object.freeze({ kind: 'none' });

/** Most events touch no context path: their answer comes back at once, not in a promise. */
export function checkContextAccess(event: Envelope, grants: GrantStore): ContextAccess | Promise<ContextAccess> {
  if (!event.type.startsWith('context.')) return NO_CONTEXT;
  const data = event.data !== null && typeof event.data === 'object' && !Array.isArray(event.data) ? (event.data as Record<string, unknown>) : {};
  if (data['path'] === undefined) return NO_CONTEXT;
  return checkPaths(event, data, grants);
}

async function checkPaths(event: Envelope, data: Record<string, unknown>, grants: GrantStore): Promise<ContextAccess> {
  const paths: string[] = [];
  for (const field of ['path', 'to'] as const) {
    const raw = data[field];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') return { kind: 'denied', reason: `data.${field} must be a string context path` };
    try {
      paths.push(normalizeContextPath(raw));
    } catch (error) {
      if (isKernelError(error, 'invalid_input')) return { kind: 'denied', reason: `data.${field}: ${error.message}` };
      throw error;
    }
  }
  const owner = typeof data['owner'] === 'string' ? data['owner'] : event.userid;
  const access: Access = WRITES.has(event.type) ? 'write' : 'read';
  const principal = principalOf(event);
  let grantPath: string | undefined;
  for (const path of paths) {
    const decision = await grants.check({ principal, owner, path, access });
    if (!decision.allowed) return { kind: 'denied', reason: decision.reason, path };
    grantPath ??= decision.grant?.path;
  }
  const allowed: ContextAccess = { kind: 'allowed', path: paths[0] ?? '/', owner, access };
  if (grantPath !== undefined) allowed.grantPath = grantPath;
  return allowed;
}

const NO_PATHS: readonly string[] = Object.freeze([]);

/** How many result paths an event's policies see; beyond that the event is treated as naming them all. */
const MAX_NAMED_PATHS = 1000;

/**
 * Every context path a `context.*` event names, for the policies' `context.paths`: the request's
 * paths (`path`, `to`, `prefix`) and, in answers, the paths of the entries they carry
 * (`entry`, `entries[]`, `hits[].entry`). Result paths come from the store and are canonical;
 * request paths that do not normalize are left out (the request is refused elsewhere).
 * The kernel's `event.denied` answer to a context request names its path too (`contextPath`,
 * canonical): the `/Personal` rule keeps such answers from external drivers like the request.
 */
export function namedContextPaths(event: Envelope): readonly string[] {
  if (event.type === DENIED_EVENT_TYPE) {
    const path = record(event.data)?.['contextPath'];
    return typeof path === 'string' ? normalizedOrNone(path) : NO_PATHS;
  }
  if (!event.type.startsWith('context.')) return NO_PATHS;
  const data = record(event.data);
  if (data === undefined) return NO_PATHS;
  const paths = new Set<string>();
  for (const field of ['path', 'to', 'prefix'] as const) {
    const raw = data[field];
    if (typeof raw !== 'string') continue;
    try {
      paths.add(normalizeContextPath(raw));
    } catch {
      // not a path: nothing it could name
    }
  }
  const add = (entry: unknown): void => {
    const path = record(entry)?.['path'];
    if (typeof path === 'string' && paths.size < MAX_NAMED_PATHS) paths.add(path);
  };
  add(data['entry']);
  if (Array.isArray(data['entries'])) for (const entry of data['entries']) add(entry);
  if (Array.isArray(data['hits'])) for (const hit of data['hits']) add(record(hit)?.['entry']);
  return [...paths];
}

/** Anyone may send an `event.denied`: its path is normalized like a request's, or names nothing. */
function normalizedOrNone(raw: string): string[] {
  try {
    return [normalizeContextPath(raw)];
  } catch {
    return [];
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
