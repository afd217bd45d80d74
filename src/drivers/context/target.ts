/**
 * Whose hub a `context.*` event addresses and whether its sender may. The security stage checks
 * `data.path` and `data.to` before the driver runs, but not a query's `prefix` or a listing of
 * the root; the driver checks every path it touches itself with the same rule (the owner, or a
 * covering grant to the event's user or to the driver that emitted it), so nothing depends on
 * which fields the stage happens to know.
 */
import type { ContextWorkspace } from '../../kernel/context/index.js';
import { type ContextAccessControl, type Envelope, KernelError } from '../../kernel/index.js';

export interface Target {
  owner: string;
  path: string;
}

export interface TargetDeps {
  access: ContextAccessControl;
  workspace: ContextWorkspace;
}

/** `field` names the data field in errors (`path`, `to`, `prefix`). */
export async function resolveTarget(deps: TargetDeps, event: Envelope, raw: string, field: string, owner: string | undefined, access: 'read' | 'write'): Promise<Target> {
  let path: string;
  try {
    path = deps.access.normalizePath(raw);
  } catch (error) {
    throw new KernelError('invalid_input', `data.${field}: ${(error as Error).message}`, { cause: error });
  }
  if (owner === undefined || owner === event.userid) {
    await deps.workspace.ensure(event.userid);
    return { owner: event.userid, path };
  }
  const decision = await deps.access.check(event, owner, path, access);
  if (!decision.allowed) throw new KernelError('forbidden', `${owner} has not granted ${access} access to ${path}: ${decision.reason}`);
  return { owner, path };
}
