/**
 * Which driver runners an event goes to: the drivers whose capabilities match its type (cached
 * per type), the driver an answer is addressed to (`recipient`), and the drivers dynamic routes
 * name (a user's own agents, skill packs' drivers). When the directory's drivers change (its
 * `revision` moves), runners are made for new drivers, dropped for removed ones, and the
 * per-type cache is emptied; a runner's counters survive as long as its driver does.
 */
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Driver, DriverDirectory, DynamicRoutes } from '../driver.js';
import type { Envelope } from '../envelope.js';
import { DriverRunner } from './run-driver.js';

export class DriverRoutes {
  readonly #byType = new Map<string, DriverRunner[]>();
  readonly #runners = new Map<string, DriverRunner>();
  #revision: number | undefined;

  constructor(
    private readonly drivers: DriverDirectory,
    private readonly dynamicRoutes: DynamicRoutes | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.#revision = drivers.revision?.();
    for (const driver of drivers.all()) this.#runners.set(driver.manifest.id, new DriverRunner(driver, clock, logger));
  }

  /** The runners of the drivers as of the directory's current revision. */
  get runners(): ReadonlyMap<string, DriverRunner> {
    this.#follow();
    return this.#runners;
  }

  /** Synchronous unless a route has to be looked up (a promise only then: this is the hot path). */
  for(event: Envelope): DriverRunner[] | Promise<DriverRunner[]> {
    this.#follow();
    const byType = this.#forType(event.type);
    if (event.recipient === undefined && this.dynamicRoutes === undefined) return byType;
    return this.#addressed(event, byType);
  }

  #forType(type: string): DriverRunner[] {
    let runners = this.#byType.get(type);
    if (!runners) {
      runners = this.drivers.route(type).map((driver) => this.#runners.get(driver.manifest.id)).filter((r) => r !== undefined);
      this.#byType.set(type, runners);
    }
    return runners;
  }

  /** Unknown ids are ignored (a driver removed since the request). */
  async #addressed(event: Envelope, byType: DriverRunner[]): Promise<DriverRunner[]> {
    const ids = event.recipient === undefined ? [] : [event.recipient];
    const dynamic = this.dynamicRoutes?.driversFor(event);
    if (dynamic !== undefined) ids.push(...(dynamic instanceof Promise ? await dynamic : dynamic));
    if (ids.length === 0) return byType;
    // Dynamic routes may have added drivers while they were asked (a pack's sandbox started).
    this.#follow();
    const runners = [...byType];
    for (const id of ids) {
      const runner = this.#runners.get(id);
      if (runner !== undefined && !runners.includes(runner)) runners.push(runner);
    }
    return runners;
  }

  /** Rebuilds runners and routes when the directory's drivers changed. */
  #follow(): void {
    const revision = this.drivers.revision?.();
    if (revision === this.#revision) return;
    this.#revision = revision;
    const current = new Map<string, Driver>(this.drivers.all().map((driver) => [driver.manifest.id, driver]));
    for (const [id, runner] of this.#runners) if (current.get(id) !== runner.driver) this.#runners.delete(id);
    for (const [id, driver] of current) if (!this.#runners.has(id)) this.#runners.set(id, new DriverRunner(driver, this.clock, this.logger));
    this.#byType.clear();
  }
}
