/**
 * Each user's UI applications in the StateStore: kind `ui-app` keyed by id, and a path index
 * (kind `ui-app-path`, key = the path) so `/apps/dashboard/tasks` finds its application in one
 * read. Both live in the user's partition: nobody else can see or shadow them.
 *
 * Beside them, the built-in applications (the operator's dashboard, id `system` at /system),
 * the same for every user: parsed when the store is made, so a broken one stops the start-up.
 * No user application may take their id or path (the schema refuses it).
 */
import { createHash } from 'node:crypto';
import { isKernelError, KernelError, type StateStore } from '../kernel/index.js';
import { parseUiApplication, readUiApplicationDocument } from './parse.js';
import type { UiApplication } from './schema.js';
import { SYSTEM_APP_YAML } from './system-app.js';

export const UI_APP_KIND = 'ui-app';
export const UI_APP_PATH_KIND = 'ui-app-path';
const MAX_PER_USER = 200;

export interface UiAppEntry {
  app: UiApplication;
  etag: string;
  /** Absent for a built-in application: it changes with the server's version. */
  updatedAt?: string;
  /** A built-in application, and its document as shipped (with its comments), to copy. */
  builtIn?: { document: string };
}

export class UiAppStore {
  readonly #builtIn: ReadonlyMap<string, UiAppEntry>;

  constructor(private readonly state: StateStore) {
    this.#builtIn = new Map([builtInEntry(SYSTEM_APP_YAML)].map((entry) => [entry.app.id, entry]));
  }

  /** A built-in application by id or path. */
  builtIn(by: { id?: string; path?: string }): UiAppEntry | undefined {
    if (by.id !== undefined) return this.#builtIn.get(by.id);
    return [...this.#builtIn.values()].find((entry) => entry.app.path === by.path);
  }

  /** Stores (creates or replaces) an application already validated; 409 when its path is another application's. */
  async put(userId: string, app: UiApplication): Promise<{ entry: UiAppEntry; created: boolean }> {
    const previous = await this.state.get(userId, UI_APP_KIND, app.id);
    const owner = await this.state.get(userId, UI_APP_PATH_KIND, app.path);
    const ownerId = (owner?.value as { id?: unknown } | undefined)?.id;
    if (owner !== undefined && ownerId !== app.id) {
      // An index entry whose application is gone (a delete interrupted half-way) is taken over.
      if (typeof ownerId === 'string' && (await this.state.get(userId, UI_APP_KIND, ownerId)) !== undefined) {
        throw new KernelError('conflict', `the path ${app.path} is the application "${ownerId}"'s; choose another path or delete that one`, { details: { errors: [{ pointer: '/path', reason: `is used by "${ownerId}"` }] } });
      }
    }
    if (previous === undefined && (await this.state.list(userId, UI_APP_KIND, { limit: MAX_PER_USER })).length >= MAX_PER_USER) {
      throw new KernelError('conflict', `you have ${MAX_PER_USER} UI applications, the most one user may keep; delete one first`);
    }
    // Index first: a crash in between leaves an index entry the next put or delete repairs, never an unreachable app.
    await this.state.put(userId, UI_APP_PATH_KIND, app.path, { id: app.id });
    const item = await this.state.put(userId, UI_APP_KIND, app.id, app, previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' }).catch((error: unknown) => {
      if (isKernelError(error, 'precondition_failed')) throw new KernelError('conflict', `the application ${app.id} was changed at the same time; send it again`, { retryable: true });
      throw error;
    });
    const oldPath = (previous?.value as UiApplication | undefined)?.path;
    if (oldPath !== undefined && oldPath !== app.path) await this.#unindex(userId, oldPath, app.id);
    return { entry: { app, etag: item.etag, updatedAt: item.updatedAt }, created: previous === undefined };
  }

  async get(userId: string, id: string): Promise<UiAppEntry | undefined> {
    const builtIn = this.#builtIn.get(id);
    if (builtIn !== undefined) return builtIn;
    const item = await this.state.get(userId, UI_APP_KIND, id);
    return item === undefined ? undefined : { app: parseUiApplication(item.value), etag: item.etag, updatedAt: item.updatedAt };
  }

  async byPath(userId: string, path: string): Promise<UiAppEntry | undefined> {
    const builtIn = this.builtIn({ path });
    if (builtIn !== undefined) return builtIn;
    const index = await this.state.get(userId, UI_APP_PATH_KIND, path);
    const id = (index?.value as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') return undefined;
    const entry = await this.get(userId, id);
    return entry?.app.path === path ? entry : undefined;
  }

  async list(userId: string): Promise<UiAppEntry[]> {
    const items = await this.state.list(userId, UI_APP_KIND, { limit: MAX_PER_USER });
    return items.map((item) => ({ app: parseUiApplication(item.value), etag: item.etag, updatedAt: item.updatedAt }));
  }

  async delete(userId: string, id: string): Promise<boolean> {
    if (this.#builtIn.has(id)) throw new KernelError('forbidden', `"${id}" is a built-in application and cannot be deleted; copy it under another id and path to change it (npx vextir apps get ${id})`);
    const item = await this.state.get(userId, UI_APP_KIND, id);
    if (item === undefined) return false;
    const removed = await this.state.delete(userId, UI_APP_KIND, id);
    await this.#unindex(userId, (item.value as UiApplication).path, id);
    return removed;
  }

  async #unindex(userId: string, path: string, id: string): Promise<void> {
    const index = await this.state.get(userId, UI_APP_PATH_KIND, path);
    if ((index?.value as { id?: unknown } | undefined)?.id === id) await this.state.delete(userId, UI_APP_PATH_KIND, path, { ifMatch: index?.etag ?? '' }).catch(() => false);
  }
}

function builtInEntry(document: string): UiAppEntry {
  const app = readUiApplicationDocument(document, 'yaml', { builtIn: true });
  return { app, etag: createHash('sha256').update(document).digest('hex').slice(0, 32), builtIn: { document } };
}

