/**
 * The pack lifecycle: add (fetch, check, consent, lock, grant, activate), update (the same, with
 * the difference from the grant), remove (a user's grant and contents, or — for an admin, with
 * `global` — the pack for everyone), and the listings.
 *
 * Who may do what:
 * - any signed-in user may add a pack from the registry: it runs sandboxed, and only for users
 *   whose grant is in force;
 * - installing from a folder on the server needs the admin role (it reads the server's disk), and
 *   so does any global grant or global removal;
 * - `update` re-fetches the locked source; a signed-in user with a grant (or an admin) may run it;
 * - removing withdraws the caller's grant and removes what the pack put in their space; user data
 *   (context documents, events, plans already run, usage) is never touched.
 *
 * Nothing is installed or activated without consent to exactly the permissions the fetched
 * version declares: without it the answer is a ConsentRequest and the fetched files are discarded.
 */
import { KernelError, type CacheGeneration, type Clock, type Logger } from '../kernel/index.js';
import { checkPackFits, declaredAgents, declaredIds, type PackDriverInfo } from './checks.js';
import { consentRequest, consentsTo, type ConsentRequest, type GrantRequest } from './consent.js';
import { loadPack, type LoadedPack } from './load.js';
import { covers, permissionsDigest } from './permissions.js';
import { discard, fetchPack, isPlaced, packFolder, parseSource, placePack, type FetchedPack, type PackSource } from './sources.js';
import { type PackStore, type GrantScope, type InstalledItems, type LockEntry } from './store.js';
import { grantInForce, packView, sourceText, type PackView } from './views.js';

export interface PackCaller {
  userId: string;
  admin: boolean;
}

/** Puts a pack's agents, instructions, UI apps and policies into a space, and takes them out (src/wiring/packs.ts). */
export interface PackContentTarget {
  /** Validates each document by its format (before consent is asked): KernelError `invalid_input` naming the file. */
  validate(pack: LoadedPack): void;
  /** Installs the pack's documents into the scope, replacing what `previous` lists; returns what it put there. */
  install(scope: GrantScope, pack: LoadedPack, previous: InstalledItems | undefined): Promise<InstalledItems>;
  remove(scope: GrantScope, items: InstalledItems): Promise<void>;
}

export interface PackServiceDeps {
  store: PackStore;
  clock: Clock;
  logger: Logger;
  /** The packs folder (VEXTIR_PACKS_DIR) and the npm registry (VEXTIR_PACK_REGISTRY). */
  root: string;
  registry: string;
  vextirVersion: string;
  /** Advanced after every change, so every thread's routes and caches see it at once. */
  generation: CacheGeneration;
  /** Loads the pack's driver modules in its sandbox and reports their manifests (then stops it). */
  inspectDrivers(pack: LoadedPack): Promise<PackDriverInfo[]>;
  contents: PackContentTarget;
}

export interface AddRequest {
  source: string;
  version?: string | undefined;
  grant?: GrantRequest | undefined;
  global?: boolean | undefined;
}

export type PackOutcome = { kind: 'consent_required'; consent: ConsentRequest } | { kind: 'installed'; pack: PackView; created: boolean };

export class PackService {
  constructor(private readonly deps: PackServiceDeps) {}

  async add(caller: PackCaller, request: AddRequest): Promise<PackOutcome> {
    // The name of an installed pack (no version): add that one for the caller, as installed.
    const installed = request.version === undefined && !request.source.includes('@') ? await this.deps.store.lock(request.source) : undefined;
    if (installed !== undefined) return this.#addInstalled(caller, this.#scope(caller, request.global), installed, request.grant);
    const source = parseSource(request.source, request.version);
    if (source.kind === 'folder' && !caller.admin) throw new KernelError('forbidden', 'installing a pack from a folder on the server needs the admin role (it reads the server\'s disk); add it from the registry instead');
    const scope = this.#scope(caller, request.global);
    const fetched = await this.#fetch(source);
    try {
      const existing = await this.deps.store.lock(fetched.pack.manifest.name);
      if (existing !== undefined && (existing.version !== fetched.pack.manifest.version || existing.integrity !== fetched.fetched.integrity)) {
        throw new KernelError('conflict', `${existing.name} ${existing.version} is installed (from ${sourceText(existing)}); use update to change its version`);
      }
      return await this.#commit(caller, scope, source, fetched, existing, request.grant);
    } finally {
      await discard(fetched.fetched);
    }
  }

  async update(caller: PackCaller, name: string, request: { version?: string | undefined; grant?: GrantRequest | undefined; global?: boolean | undefined }): Promise<PackOutcome> {
    const existing = await this.#locked(name);
    const scope = this.#scope(caller, request.global);
    if (!caller.admin && (await this.deps.store.grant(scope, name)) === undefined) throw new KernelError('forbidden', `you have not added ${name}; add it first`);
    if (existing.source.kind === 'folder' && !caller.admin) throw new KernelError('forbidden', `${name} is installed from a folder on the server; updating it needs the admin role`);
    const source: PackSource = existing.source.kind === 'folder' ? existing.source : parseSource(existing.source.name, request.version ?? 'latest');
    const fetched = await this.#fetch(source);
    try {
      if (fetched.pack.manifest.name !== name) throw new KernelError('conflict', `${sourceText(existing)} now holds the pack "${fetched.pack.manifest.name}", not "${name}"`);
      return await this.#commit(caller, scope, source, fetched, existing, request.grant);
    } finally {
      await discard(fetched.fetched);
    }
  }

  async remove(caller: PackCaller, name: string, options: { global?: boolean | undefined }): Promise<{ removed: InstalledItems | undefined; uninstalled: boolean }> {
    const entry = await this.#locked(name);
    const scope = this.#scope(caller, options.global);
    if (scope.kind === 'user') {
      const removed = await this.#withdraw(scope, name);
      if (removed === undefined) throw new KernelError('not_found', `you have not added ${name}`);
      this.deps.generation.advance();
      return { removed, uninstalled: false };
    }
    // For everyone: every user's contents and grant, the global ones, then the lock.
    for (const userId of await this.deps.store.users(name)) await this.#withdraw({ kind: 'user', userId }, name);
    const removed = await this.#withdraw(scope, name);
    await this.deps.store.deleteLock(name);
    this.deps.generation.advance();
    this.deps.logger.info({ pack: name, version: entry.version, by: caller.userId }, 'pack uninstalled for everyone');
    return { removed, uninstalled: true };
  }

  async list(caller: PackCaller): Promise<PackView[]> {
    return Promise.all((await this.deps.store.locks()).map((entry) => this.#view(caller, entry)));
  }

  async show(caller: PackCaller, name: string): Promise<PackView> {
    return this.#view(caller, await this.#locked(name));
  }

  async #view(caller: PackCaller, entry: LockEntry): Promise<PackView> {
    const own = { kind: 'user' as const, userId: caller.userId };
    const [mine, global, install] = await Promise.all([this.deps.store.grant(own, entry.name), this.deps.store.grant({ kind: 'global' }, entry.name), this.deps.store.install(own, entry.name)]);
    return packView(entry, { own: mine, global }, install);
  }

  async #addInstalled(caller: PackCaller, scope: GrantScope, entry: LockEntry, grant: GrantRequest | undefined): Promise<PackOutcome> {
    const root = await ensurePlaced(entry, { root: this.deps.root, registry: this.deps.registry });
    const pack = await loadPack(root, this.deps.vextirVersion);
    const fetched: FetchedPack = { staged: root, resolved: entry.resolved, integrity: entry.integrity };
    const source: PackSource = entry.source.kind === 'folder' ? entry.source : parseSource(entry.source.spec);
    return this.#commit(caller, scope, source, { pack, fetched, drivers: entry.drivers }, entry, grant);
  }

  async #commit(caller: PackCaller, scope: GrantScope, source: PackSource, fetched: { pack: LoadedPack; fetched: FetchedPack; drivers: readonly PackDriverInfo[] }, existing: LockEntry | undefined, grant: GrantRequest | undefined): Promise<PackOutcome> {
    const { manifest } = fetched.pack;
    const previous = await this.deps.store.grant(scope, manifest.name);
    const global = scope.kind === 'user' ? await this.deps.store.grant({ kind: 'global' }, manifest.name) : undefined;
    // A global grant an admin gave covers a user too: adding it then needs no consent of their own.
    const covered = [previous, global].some((each) => each !== undefined && covers(each.permissions, manifest.permissions));
    if (!consentsTo(grant, manifest.permissions) && !covered) {
      return { kind: 'consent_required', consent: consentRequest({ pack: manifest.name, version: manifest.version, description: manifest.description, scope: scope.kind, permissions: manifest.permissions, ...(previous !== undefined && { granted: previous.permissions }) }) };
    }
    const now = this.deps.clock.now().toISOString();
    const unchanged = existing !== undefined && existing.version === manifest.version && existing.integrity === fetched.fetched.integrity;
    const root = unchanged ? packFolder(this.deps.root, manifest.name, manifest.version) : await placePack(fetched.fetched, this.deps.root, manifest.name, manifest.version);
    const entry: LockEntry = {
      name: manifest.name,
      version: manifest.version,
      source: source.kind === 'npm' ? { kind: 'npm', spec: `${source.name}@${manifest.version}`, name: source.name } : source,
      resolved: fetched.fetched.resolved,
      integrity: fetched.fetched.integrity,
      manifest,
      drivers: fetched.drivers.map((driver, index) => ({ id: driver.id, capabilities: [...driver.capabilities], module: manifest.contents.drivers[index]?.module ?? '' })),
      agents: declaredAgents(fetched.pack),
      provides: declaredIds(fetched.pack),
      installedBy: existing?.installedBy ?? caller.userId,
      installedAt: existing?.installedAt ?? now,
      updatedAt: unchanged ? (existing?.updatedAt ?? now) : now,
    };
    if (!unchanged) await this.deps.store.putLock(entry);
    if (!covered || consentsTo(grant, manifest.permissions)) {
      await this.deps.store.putGrant(scope, { pack: manifest.name, scope: scope.kind, version: manifest.version, permissions: manifest.permissions, digest: permissionsDigest(manifest.permissions), grantedBy: caller.userId, grantedAt: now });
    }
    const loaded = { ...fetched.pack, root };
    await this.#installContents(scope, loaded);
    // Other users whose grant still covers the new version get its contents too (as an extension updates itself).
    if (!unchanged && existing !== undefined) await this.#refreshOthers(caller, loaded, entry);
    this.deps.generation.advance();
    return { kind: 'installed', pack: await this.#view(caller, entry), created: existing === undefined };
  }

  async #installContents(scope: GrantScope, pack: LoadedPack): Promise<void> {
    const record = await this.deps.store.install(scope, pack.manifest.name);
    const items = await this.deps.contents.install(scope, pack, record?.items);
    await this.deps.store.putInstall(scope, { pack: pack.manifest.name, version: pack.manifest.version, installedAt: this.deps.clock.now().toISOString(), items });
  }

  async #refreshOthers(caller: PackCaller, pack: LoadedPack, entry: LockEntry): Promise<void> {
    for (const userId of await this.deps.store.users(entry.name)) {
      if (userId === caller.userId) continue;
      const scope = { kind: 'user' as const, userId };
      const grant = await this.deps.store.grant(scope, entry.name);
      if (grantInForce(entry, grant, undefined) === undefined) continue; // they consent again first
      await this.#installContents(scope, pack).catch((error: unknown) => this.deps.logger.warn({ err: error, pack: entry.name, userId }, "could not update a user's copy of the pack's contents; they keep the previous one"));
    }
  }

  async #withdraw(scope: GrantScope, name: string): Promise<InstalledItems | undefined> {
    const record = await this.deps.store.install(scope, name);
    const hadGrant = await this.deps.store.deleteGrant(scope, name);
    if (record !== undefined) {
      await this.deps.contents.remove(scope, record.items);
      await this.deps.store.deleteInstall(scope, name);
    }
    return record?.items ?? (hadGrant ? { agents: [], instructions: [], apps: [], policies: [] } : undefined);
  }

  async #fetch(source: PackSource): Promise<{ pack: LoadedPack; fetched: FetchedPack; drivers: PackDriverInfo[] }> {
    const fetched = await fetchPack(source, { root: this.deps.root, registry: this.deps.registry });
    try {
      const pack = await loadPack(fetched.staged, this.deps.vextirVersion);
      const drivers = pack.manifest.contents.drivers.length === 0 ? [] : await this.deps.inspectDrivers(pack);
      checkPackFits(pack, drivers);
      this.deps.contents.validate(pack);
      return { pack, fetched, drivers };
    } catch (error) {
      await discard(fetched);
      throw error;
    }
  }

  async #locked(name: string): Promise<LockEntry> {
    const entry = await this.deps.store.lock(name);
    if (entry === undefined) throw new KernelError('not_found', `no pack "${name}" is installed`);
    return entry;
  }

  #scope(caller: PackCaller, global: boolean | undefined): GrantScope {
    if (global !== true) return { kind: 'user', userId: caller.userId };
    if (!caller.admin) throw new KernelError('forbidden', 'a global grant or removal needs the admin role');
    return { kind: 'global' };
  }
}

/** Whether a locked pack's files are on this machine; re-extracted from the lock's source and integrity otherwise. */
export async function ensurePlaced(entry: LockEntry, options: { root: string; registry: string }): Promise<string> {
  if (await isPlaced(options.root, entry.name, entry.version, entry.integrity)) return packFolder(options.root, entry.name, entry.version);
  const source: PackSource = entry.source.kind === 'folder' ? entry.source : parseSource(entry.source.spec);
  const fetched = await fetchPack(source, { ...options, integrity: entry.integrity });
  return placePack(fetched, options.root, entry.name, entry.version);
}
