/**
 * A pack's grant, enforced on every event its drivers (agents included) produce or would receive.
 * The authorizer asks `check` first, for every event; what it answers joins the decision:
 *
 *   produced by a pack's driver (`producer`, set by the kernel)
 *     no grant in force for the user        -> denied by `pack:<name>`
 *     beyond the grant (emit-check.ts)      -> denied by `pack:<name>`, the reason says what
 *     a model.request or tool.call once the pack's spend for the user today reached its ceiling
 *                                           -> denied by `pack:<name>`
 *     "auto" model                          -> restricted to the granted models
 *   routed to a pack's driver (its capabilities match, or it is the `recipient`)
 *     no grant, a type outside `receives` (answers addressed to the driver excepted), or
 *     context paths outside `context.read`  -> that driver does not run: restrictions.drivers.deny,
 *                                              and `matched` names `pack:<name>` and why
 *
 * The hot path: with no pack installed, one call and a size test; with packs installed, one Map
 * lookup on the producer and one on the type (routes cached per directory).
 */
import { DENIED_EVENT_TYPE, matchesType, type Clock, type Envelope, type Restrictions } from '../../kernel/index.js';
import { namedContextPaths } from '../authorization/context-access.js';
import { list, within } from './context-requests.js';
import { checkEmit, MODEL_REQUEST, TOOL_CALL } from './emit-check.js';
import { packPolicyName, type PackDirectory, type PackDriver, type PackGrants, type PackPermissions } from './grants.js';

/** What a pack has spent for a user today (UTC), in US dollars: the usage counters' pack totals. */
export interface PackSpend {
  packSpentToday(userId: string, pack: string, now: Date): Promise<number>;
}

export interface PackMatch {
  id: string;
  action: 'deny' | 'restrict';
  reason: string;
}

/** What the packs add to an event's decision. */
export interface PackCheck {
  /** Set when a pack's driver produced the event and the grant does not allow it. */
  denied?: { policy: string; reason: string; contextPath?: string };
  restrictions?: Restrictions;
  matched: PackMatch[];
}

const NO_ROUTES: readonly string[] = [];
const SPENDING: ReadonlySet<string> = new Set([MODEL_REQUEST, TOOL_CALL]);

export class PackEnforcer {
  #routed: { directory: PackDirectory; byType: Map<string, readonly string[]> } | undefined;

  constructor(
    private readonly grants: PackGrants,
    private readonly spend: PackSpend,
    private readonly clock: Clock,
  ) {}

  /** Undefined, synchronously, for an event no pack is concerned with (nearly all) while the directory is cached. */
  check(event: Envelope): Promise<PackCheck | undefined> | undefined {
    const directory = this.grants.directory();
    return directory instanceof Promise ? directory.then((loaded) => this.#checkIn(loaded, event)) : this.#checkIn(directory, event);
  }

  #checkIn(directory: PackDirectory, event: Envelope): Promise<PackCheck> | undefined {
    const drivers = directory.drivers;
    if (drivers.size === 0) return undefined;
    const producer = event.producer === undefined ? undefined : drivers.get(event.producer);
    const routed = this.#routedTo(directory, event.type);
    const recipient = event.recipient !== undefined && drivers.has(event.recipient) && !routed.includes(event.recipient) ? event.recipient : undefined;
    if (producer === undefined && routed.length === 0 && recipient === undefined) return undefined;
    return this.#check(event, drivers, producer, recipient === undefined ? routed : [...routed, recipient]);
  }

  async #check(event: Envelope, drivers: ReadonlyMap<string, PackDriver>, producer: PackDriver | undefined, receivers: readonly string[]): Promise<PackCheck> {
    const granted = new Map<string, Promise<PackPermissions | undefined>>();
    const permissionsOf = (pack: string) => granted.get(pack) ?? granted.set(pack, Promise.resolve(this.grants.permissionsFor(event.userid, pack))).get(pack)!;
    const result: PackCheck = { matched: [] };
    if (producer !== undefined) {
      const policy = packPolicyName(producer.pack);
      const reason = await this.#emitViolation(event, producer.pack, await permissionsOf(producer.pack), result);
      if (reason !== undefined) {
        const denied = { policy, reason: `Denied by ${policy}: driver ${event.producer} of pack ${producer.pack}: ${reason.text}` };
        result.denied = reason.contextPath === undefined ? denied : { ...denied, contextPath: reason.contextPath };
        result.matched.push({ id: policy, action: 'deny', reason: result.denied.reason });
        return result;
      }
    }
    const deny: string[] = [];
    for (const id of receivers) {
      const pack = drivers.get(id)!.pack;
      const why = receiveViolation(event, id, pack, await permissionsOf(pack));
      if (why === undefined) continue;
      deny.push(id);
      result.matched.push({ id: packPolicyName(pack), action: 'restrict', reason: `driver ${id} of pack ${pack} does not run: ${why}` });
    }
    if (deny.length > 0) result.restrictions = { ...result.restrictions, drivers: { deny } };
    return result;
  }

  async #emitViolation(event: Envelope, pack: string, permissions: PackPermissions | undefined, result: PackCheck): Promise<{ text: string; contextPath?: string } | undefined> {
    if (permissions === undefined) return { text: `the pack is not granted to ${event.userid}` };
    const check = checkEmit(event, permissions);
    if (!check.ok) return check.contextPath === undefined ? { text: check.reason } : { text: check.reason, contextPath: check.contextPath };
    const ceiling = permissions.cost?.maxUsdPerDay;
    if (ceiling !== undefined && SPENDING.has(event.type)) {
      const spent = await this.spend.packSpentToday(event.userid, pack, this.clock.now());
      if (spent >= ceiling) return { text: `its ${event.type} would spend beyond its ceiling of ${ceiling} USD a day for ${event.userid} (spent today: ${round(spent)} USD)` };
    }
    if (check.restrictions) result.restrictions = check.restrictions;
    return undefined;
  }

  /** Pack drivers whose capabilities match `type`, cached until the directory changes. */
  #routedTo(directory: PackDirectory, type: string): readonly string[] {
    let routed = this.#routed;
    if (routed?.directory !== directory) this.#routed = routed = { directory, byType: new Map() };
    let ids = routed.byType.get(type);
    if (ids === undefined) {
      const matching = [...directory.drivers].filter(([, driver]) => driver.capabilities.some((pattern) => matchesType(pattern, type))).map(([id]) => id);
      ids = matching.length === 0 ? NO_ROUTES : matching;
      // Types come from events: bounded, so a stream of new types cannot grow it without end.
      if (routed.byType.size >= MAX_CACHED_TYPES) routed.byType.clear();
      routed.byType.set(type, ids);
    }
    return ids;
  }
}

const MAX_CACHED_TYPES = 10_000;

/** Why a pack's driver may not be given this event, or undefined when it may. */
function receiveViolation(event: Envelope, driver: string, pack: string, permissions: PackPermissions | undefined): string | undefined {
  if (permissions === undefined) return `the pack is not granted to ${event.userid}`;
  // Answers to what the driver asked (its replies, the kernel's denials) reach it whatever their type: the request was judged.
  const answer = event.recipient === driver;
  if (!answer && !permissions.events.receives.some((pattern) => matchesType(pattern, event.type))) {
    return `${event.type} is not among the event types the pack may receive (${list(permissions.events.receives)})`;
  }
  if (event.type !== DENIED_EVENT_TYPE && event.type.startsWith('context.')) {
    const outside = namedContextPaths(event).find((path) => !within(path, permissions.context.read));
    if (outside !== undefined) return `the event carries ${outside}, outside the context paths the pack may read (${list(permissions.context.read)})`;
  }
  return undefined;
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
