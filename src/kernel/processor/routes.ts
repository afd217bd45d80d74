/**
 * Which driver runners an event goes to: the drivers whose capabilities match its type (cached
 * per type), the driver an answer is addressed to (`recipient`), and the drivers dynamic routes
 * name (a user's own agents).
 */
import type { DriverDirectory, DynamicRoutes } from '../driver.js';
import type { Envelope } from '../envelope.js';
import type { DriverRunner } from './run-driver.js';

export class DriverRoutes {
  readonly #byType = new Map<string, DriverRunner[]>();

  constructor(
    private readonly drivers: DriverDirectory,
    private readonly runners: ReadonlyMap<string, DriverRunner>,
    private readonly dynamicRoutes: DynamicRoutes | undefined,
  ) {}

  /** Synchronous unless a route has to be looked up (a promise only then: this is the hot path). */
  for(event: Envelope): DriverRunner[] | Promise<DriverRunner[]> {
    const byType = this.#forType(event.type);
    if (event.recipient === undefined && this.dynamicRoutes === undefined) return byType;
    return this.#addressed(event, byType);
  }

  #forType(type: string): DriverRunner[] {
    let runners = this.#byType.get(type);
    if (!runners) {
      runners = this.drivers.route(type).map((driver) => this.runners.get(driver.manifest.id)).filter((r) => r !== undefined);
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
    const runners = [...byType];
    for (const id of ids) {
      const runner = this.runners.get(id);
      if (runner !== undefined && !runners.includes(runner)) runners.push(runner);
    }
    return runners;
  }
}
