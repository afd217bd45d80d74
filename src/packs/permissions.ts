/**
 * A pack's permissions as something a person consents to: one normal form (sorted, without
 * duplicates) so two equal sets have one digest, whether a grant covers what a manifest asks,
 * and the difference between two sets (what an update adds or drops).
 *
 * A grant records exactly the permissions consented to. It is in force for a manifest when it
 * covers it: every list of the manifest's is a subset of the grant's, no runtime flag is on that
 * the grant has off, and the cost ceiling is no higher. So an update that asks for less (or the
 * same) keeps running; one that asks for anything more waits for consent again.
 */
import { createHash } from 'node:crypto';
import { packPermissionsSchema, type PackPermissions } from './manifest.js';

const LISTS = {
  'events.receives': (p: PackPermissions) => p.events.receives,
  'events.emits': (p: PackPermissions) => p.events.emits,
  'context.read': (p: PackPermissions) => p.context.read,
  'context.write': (p: PackPermissions) => p.context.write,
  'network.hosts': (p: PackPermissions) => p.network.hosts,
  models: (p: PackPermissions) => p.models,
  tools: (p: PackPermissions) => p.tools,
  'runtime.files.read': (p: PackPermissions) => p.runtime.files.read,
  'runtime.files.write': (p: PackPermissions) => p.runtime.files.write,
} as const;
export type PermissionList = keyof typeof LISTS;
export const PERMISSION_LISTS = Object.keys(LISTS) as PermissionList[];

const FLAGS = ['childProcesses', 'workers', 'addons'] as const;
export type RuntimeFlag = (typeof FLAGS)[number];

/** Parsed (defaults filled in), every list sorted and without duplicates, keys in one order. */
export function normalizePermissions(input: unknown): PackPermissions {
  const parsed = packPermissionsSchema.parse(input);
  const sorted = (list: readonly string[]) => [...new Set(list)].sort();
  return {
    events: { receives: sorted(parsed.events.receives), emits: sorted(parsed.events.emits) },
    context: { read: sorted(parsed.context.read), write: sorted(parsed.context.write) },
    network: { hosts: sorted(parsed.network.hosts) },
    models: sorted(parsed.models),
    tools: sorted(parsed.tools),
    ...(parsed.cost !== undefined && { cost: { maxUsdPerDay: parsed.cost.maxUsdPerDay } }),
    runtime: {
      childProcesses: parsed.runtime.childProcesses,
      workers: parsed.runtime.workers,
      addons: parsed.runtime.addons,
      files: { read: sorted(parsed.runtime.files.read), write: sorted(parsed.runtime.files.write) },
    },
  };
}

/** `sha256:<hex>` of the normal form: what a client may send as its consent instead of the whole set. */
export function permissionsDigest(permissions: PackPermissions): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(normalizePermissions(permissions))).digest('hex')}`;
}

/** Whether consent to `granted` covers everything `requested` asks for. */
export function covers(granted: PackPermissions, requested: PackPermissions): boolean {
  return isEmptyDifference(permissionsDifference(granted, requested).added);
}

export interface PermissionChanges {
  lists: Partial<Record<PermissionList, string[]>>;
  runtime: RuntimeFlag[];
  /** The cost ceiling when it rose or appeared (`null`: the new set has no ceiling). */
  cost?: { from: number | null; to: number | null };
}

export interface PermissionsDifference {
  /** What `next` asks for that `previous` did not give: consent is needed for these. */
  added: PermissionChanges;
  /** What `previous` gave that `next` no longer asks for. */
  removed: PermissionChanges;
}

export function permissionsDifference(previous: PackPermissions, next: PackPermissions): PermissionsDifference {
  const added: PermissionChanges = { lists: {}, runtime: [] };
  const removed: PermissionChanges = { lists: {}, runtime: [] };
  for (const name of PERMISSION_LISTS) {
    const before = new Set(LISTS[name](previous));
    const after = new Set(LISTS[name](next));
    const more = [...after].filter((item) => !before.has(item)).sort();
    const fewer = [...before].filter((item) => !after.has(item)).sort();
    if (more.length > 0) added.lists[name] = more;
    if (fewer.length > 0) removed.lists[name] = fewer;
  }
  for (const flag of FLAGS) {
    if (next.runtime[flag] && !previous.runtime[flag]) added.runtime.push(flag);
    if (previous.runtime[flag] && !next.runtime[flag]) removed.runtime.push(flag);
  }
  // No ceiling is the most a pack can ask for: it may spend without limit (within the user's budgets).
  const from = previous.cost?.maxUsdPerDay ?? null;
  const to = next.cost?.maxUsdPerDay ?? null;
  if (from !== to) {
    const rose = to === null || (from !== null && to > from);
    if (rose) added.cost = { from, to };
    else removed.cost = { from, to };
  }
  return { added, removed };
}

export function isEmptyDifference(changes: PermissionChanges): boolean {
  return Object.keys(changes.lists).length === 0 && changes.runtime.length === 0 && changes.cost === undefined;
}
