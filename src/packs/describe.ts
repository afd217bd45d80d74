/**
 * Permissions in plain words, as a person reads them before consenting (the CLI prints these
 * lines; the API returns them beside the permissions so every client shows the same text).
 */
import type { PackPermissions } from './manifest.js';
import type { PermissionChanges, PermissionList, RuntimeFlag } from './permissions.js';

const LIST_WORDS: Record<PermissionList, string> = {
  'events.receives': 'handle these events of yours',
  'events.emits': 'emit these events',
  'context.read': 'read your Context Hub under',
  'context.write': 'write your Context Hub under',
  'network.hosts': 'send data outside this system to',
  models: 'call these models (at your cost)',
  tools: 'call these tools',
  'runtime.files.read': "read these files of the pack's folder",
  'runtime.files.write': "write these files of the pack's folder",
};

const FLAG_WORDS: Record<RuntimeFlag, string> = {
  // The sandbox cannot hold what those programs or that native code do (docs/pack-sandbox.md):
  // consent must say so rather than read like a small extra.
  childProcesses: "start other programs (child processes), which run without the sandbox's file limits: as much as trusting it with this server's files",
  workers: 'start worker threads',
  addons: "load native code (addons), which the sandbox's limits do not hold",
};

function money(value: number | null): string {
  return value === null ? 'no ceiling' : `$${value.toFixed(2)} a day`;
}

/** One line per thing the pack may do; "nothing beyond running its own code" when it asks for nothing. */
export function describePermissions(permissions: PackPermissions): string[] {
  const lines: string[] = [];
  const lists: Array<[PermissionList, readonly string[]]> = [
    ['events.receives', permissions.events.receives],
    ['events.emits', permissions.events.emits],
    ['context.read', permissions.context.read],
    ['context.write', permissions.context.write],
    ['network.hosts', permissions.network.hosts],
    ['models', permissions.models],
    ['tools', permissions.tools],
    ['runtime.files.read', permissions.runtime.files.read],
    ['runtime.files.write', permissions.runtime.files.write],
  ];
  for (const [name, items] of lists) if (items.length > 0) lines.push(`${LIST_WORDS[name]}: ${items.join(', ')}`);
  if (permissions.network.hosts.length === 0) lines.push('send nothing outside this system');
  for (const flag of ['childProcesses', 'workers', 'addons'] as const) if (permissions.runtime[flag]) lines.push(FLAG_WORDS[flag]);
  lines.push(permissions.cost === undefined ? 'spend without a ceiling of its own (your budgets still apply)' : `spend at most ${money(permissions.cost.maxUsdPerDay)}`);
  return lines;
}

/** The lines of a difference: "+ call these models: gpt-4o", "- emit these events: x". */
export function describeChanges(changes: PermissionChanges, sign: '+' | '-'): string[] {
  const lines = Object.entries(changes.lists).map(([name, items]) => `${sign} ${LIST_WORDS[name as PermissionList]}: ${items.join(', ')}`);
  for (const flag of changes.runtime) lines.push(`${sign} ${FLAG_WORDS[flag]}`);
  if (changes.cost !== undefined) lines.push(`${sign} spending ceiling: ${money(changes.cost.from)} -> ${money(changes.cost.to)}`);
  return lines;
}
