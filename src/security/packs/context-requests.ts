/**
 * The context paths a `context.*` request touches, as a pack's grant sees them: which paths, read
 * or written. The shapes are the context driver's (src/drivers/context/requests.ts): `list`
 * defaults to the root folder and `query`/`search` to the root prefix, so a request that names
 * no folder asks for the whole hub and needs a grant on "/".
 *
 * A pack's grant covers the user's own hub only: a request naming another user's hub (`owner`)
 * is beyond any grant, whatever the owner allowed.
 */
import { type Envelope } from '../../kernel/index.js';
import { isWithin, normalizeContextPath } from '../acl/index.js';

type Access = 'read' | 'write';

/** Each request type: the fields naming paths, whether it reads or writes, and the default. */
const REQUESTS: ReadonlyMap<string, { access: Access; fields: readonly string[]; fallback?: string }> = new Map([
  ['context.read', { access: 'read', fields: ['path'] }],
  ['context.list', { access: 'read', fields: ['path'], fallback: '/' }],
  ['context.query', { access: 'read', fields: ['prefix'], fallback: '/' }],
  ['context.search', { access: 'read', fields: ['prefix'], fallback: '/' }],
  ['context.write', { access: 'write', fields: ['path'] }],
  ['context.put', { access: 'write', fields: ['path'] }],
  ['context.delete', { access: 'write', fields: ['path'] }],
  ['context.restore', { access: 'write', fields: ['path'] }],
  ['context.move', { access: 'write', fields: ['path', 'to'] }],
]);

export function isContextRequest(type: string): boolean {
  return REQUESTS.has(type);
}

export type ContextRequestCheck = { ok: true } | { ok: false; reason: string; path?: string };

/** Whether the request stays inside the granted folders (`read`, `write`: the grant's lists). */
export function checkContextRequest(event: Envelope, granted: { read: readonly string[]; write: readonly string[] }): ContextRequestCheck {
  const request = REQUESTS.get(event.type);
  if (request === undefined) return { ok: true };
  const data = record(event.data) ?? {};
  const owner = data['owner'];
  if (owner !== undefined && owner !== event.userid) return { ok: false, reason: `${event.type} names another user's context hub (owner ${JSON.stringify(owner)}), which no pack grant covers` };
  const folders = request.access === 'read' ? granted.read : granted.write;
  for (const field of request.fields) {
    const raw = data[field] ?? request.fallback;
    if (typeof raw !== 'string') return { ok: false, reason: `${event.type} must name a context path in data.${field}` };
    let path: string;
    try {
      path = normalizeContextPath(raw);
    } catch (error) {
      return { ok: false, reason: `${event.type}: data.${field}: ${error instanceof Error ? error.message : 'not a context path'}` };
    }
    if (!within(path, folders)) {
      return { ok: false, path, reason: `${event.type} ${request.access === 'read' ? 'reads' : 'writes'} ${path}, outside the context paths it may ${request.access} (${list(folders)})` };
    }
  }
  return { ok: true };
}

/** Whether every path is inside one of the granted folders (each normalized; one that is not covers nothing). */
export function within(path: string, folders: readonly string[]): boolean {
  return folders.some((folder) => {
    try {
      return isWithin(path, normalizeContextPath(folder));
    } catch {
      return false;
    }
  });
}

export function list(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
