/**
 * Pack drivers at run time, per processor (each processor thread has its own): a pack's driver
 * modules run in the pack's sandbox process, started when the first event for a user whose grant
 * is in force arrives, and stopped when the pack is removed or its version changes. Routing is
 * per user: a pack driver is never a static route of its event types; the processor asks these
 * dynamic routes, which name a pack's drivers only for users with a grant in force. So a pack
 * nobody granted runs nothing, and a user who did not consent never has an event reach it.
 *
 * Changes made through this instance reach every thread through the shared generation (the
 * directory's snapshot goes stale, the next event reconciles); after a restart the lock is read
 * again and sandboxes start on demand.
 */
import { type Driver, type DynamicRoutes, type Envelope, type Logger, matchesType } from '../kernel/index.js';
import type { PackDirectory, PackSnapshot } from './directory.js';
import type { PackSandboxOptions } from './sandbox/index.js';
import type { LockEntry } from './store.js';

/** What the sandbox (src/packs/sandbox, startPackSandbox) is asked to run: the pack, its folder, drivers and permissions. */
export type PackSandboxRequest = Pick<PackSandboxOptions, 'pack' | 'root' | 'drivers' | 'permissions' | 'logger' | 'onViolation'>;

export interface RunningPackSandbox {
  /** Host-side proxies of the pack's drivers, with the manifests the modules declared. */
  readonly drivers: readonly Driver[];
  stop(): Promise<void>;
}

export type StartPackSandbox = (request: PackSandboxRequest) => Promise<RunningPackSandbox>;

export interface PackRuntimeDeps {
  directory: PackDirectory;
  start: StartPackSandbox;
  /** A driver of its own for each of the pack's agents (read from its folder). */
  agentDrivers(entry: LockEntry, root: string): Promise<Driver[]>;
  /** The pack's folder on this machine, fetched again from the lock's source when missing. */
  placed(entry: LockEntry): Promise<string>;
  /** Registers the drivers with the processor (as routed only through these dynamic routes). */
  attach(pack: string, drivers: readonly Driver[]): void;
  detach(pack: string): void;
  logger: Logger;
  onViolation?: PackSandboxRequest['onViolation'];
}

interface Running {
  /** name@version/integrity: a different one means the pack changed. */
  key: string;
  ready: Promise<RunningPackSandbox | undefined>;
  /** Set when it failed to start: not tried again before this time (ms since the epoch). */
  retryAt?: number;
}

/** How long a pack whose sandbox failed to start is left alone before the next event tries again. */
const START_RETRY_MS = 30_000;

const keyOf = (entry: LockEntry) => `${entry.name}@${entry.version}/${entry.integrity}`;

export class PackRuntime implements DynamicRoutes {
  readonly #running = new Map<string, Running>();
  #reconciled: PackSnapshot | undefined;

  constructor(private readonly deps: PackRuntimeDeps) {}

  driversFor(event: Envelope): readonly string[] | Promise<readonly string[]> {
    const snapshot = this.deps.directory.fresh();
    if (snapshot === undefined || snapshot !== this.#reconciled) return this.#slow(event);
    return this.#candidates(snapshot, event).length === 0 ? [] : this.#granted(snapshot, event);
  }

  /** Stops every sandbox (the host is shutting down). */
  async close(): Promise<void> {
    const running = [...this.#running.keys()];
    await Promise.all(running.map((pack) => this.#stop(pack)));
  }

  async #slow(event: Envelope): Promise<readonly string[]> {
    const snapshot = await this.deps.directory.snapshot();
    if (snapshot !== this.#reconciled) await this.#reconcile(snapshot);
    return this.#candidates(snapshot, event).length === 0 ? [] : this.#granted(snapshot, event);
  }

  /** Packs with a driver or agent for the event's type, or the one its answer is addressed to (started here if it runs elsewhere). */
  #candidates(snapshot: PackSnapshot, event: Envelope): LockEntry[] {
    const found: LockEntry[] = [];
    const matches = (each: { capabilities: readonly string[] }) => each.capabilities.some((pattern) => matchesType(pattern, event.type));
    const addressed = event.recipient === undefined ? undefined : snapshot.owners.get(event.recipient);
    for (const entry of snapshot.packs.values()) if (entry.name === addressed || entry.drivers.some(matches) || entry.agents.some(matches)) found.push(entry);
    return found;
  }

  async #granted(snapshot: PackSnapshot, event: Envelope): Promise<readonly string[]> {
    const ids: string[] = [];
    for (const entry of this.#candidates(snapshot, event)) {
      if ((await this.deps.directory.permissionsFor(event.userid, entry.name)) === undefined) continue;
      const running = await this.#ensure(entry);
      if (running === undefined) continue;
      for (const driver of running.drivers) if (driver.manifest.id === event.recipient || driver.manifest.capabilities.some((pattern) => matchesType(pattern, event.type))) ids.push(driver.manifest.id);
    }
    return ids;
  }

  /** Stops the sandboxes of packs removed or changed since the last snapshot. */
  async #reconcile(snapshot: PackSnapshot): Promise<void> {
    this.#reconciled = snapshot;
    for (const [pack, running] of [...this.#running]) {
      const entry = snapshot.packs.get(pack);
      if (entry === undefined || keyOf(entry) !== running.key) await this.#stop(pack);
    }
  }

  #ensure(entry: LockEntry): Promise<RunningPackSandbox | undefined> {
    const key = keyOf(entry);
    const running = this.#running.get(entry.name);
    if (running !== undefined && running.key === key && (running.retryAt === undefined || Date.now() < running.retryAt)) return running.ready;
    const ready = this.#start(entry);
    this.#running.set(entry.name, { key, ready });
    return ready;
  }

  /** A pack that cannot start is logged and skipped (its events go to the other drivers), and tried again on a later event. */
  async #start(entry: LockEntry): Promise<RunningPackSandbox | undefined> {
    let sandbox: RunningPackSandbox | undefined;
    try {
      const root = await this.deps.placed(entry);
      const agents = entry.agents.length === 0 ? [] : await this.deps.agentDrivers(entry, root);
      if (entry.drivers.length === 0) {
        for (const driver of agents) await driver.init?.();
        this.deps.attach(entry.name, agents);
        return { drivers: agents, stop: async () => undefined };
      }
      sandbox = await this.deps.start({
        pack: entry.name,
        root,
        drivers: entry.manifest.contents.drivers,
        permissions: entry.manifest.permissions,
        logger: this.deps.logger.child({ pack: entry.name }),
        ...(this.deps.onViolation !== undefined && { onViolation: this.deps.onViolation }),
      });
      const expected = entry.drivers.map((driver) => driver.id).sort().join(',');
      const actual = sandbox.drivers.map((driver) => driver.manifest.id).sort().join(',');
      if (expected !== actual) throw new Error(`the pack's drivers are now ${actual || 'none'}, but it was installed with ${expected}; update it`);
      const drivers = [...sandbox.drivers, ...agents];
      for (const driver of drivers) await driver.init?.();
      this.deps.attach(entry.name, drivers);
      this.deps.logger.info({ pack: entry.name, version: entry.version, drivers: actual }, 'pack drivers started in their sandbox');
      const started = sandbox;
      return { drivers, stop: () => started.stop() };
    } catch (error) {
      this.deps.logger.error({ err: error, pack: entry.name, version: entry.version }, 'pack drivers could not start; they get no events until they do');
      await sandbox?.stop().catch(() => undefined);
      this.#running.set(entry.name, { key: keyOf(entry), ready: Promise.resolve(undefined), retryAt: Date.now() + START_RETRY_MS });
      return undefined;
    }
  }

  async #stop(pack: string): Promise<void> {
    const running = this.#running.get(pack);
    this.#running.delete(pack);
    this.deps.detach(pack);
    const sandbox = await running?.ready;
    await sandbox?.stop().catch((error: unknown) => this.deps.logger.warn({ err: error, pack }, 'a pack sandbox did not stop cleanly'));
  }
}
