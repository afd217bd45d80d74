/**
 * The price of skill pack grants in the security stage, same run, rounds interleaved so that
 * load from elsewhere weighs on both sides alike: the policy engine with the default policies
 * and no packs, against the same with a pack installed and granted to every user. The traffic
 * is the kernel bench's, none of it the pack's (what every other event pays: one Map lookup on
 * the producer, one on the type); and the same traffic stamped as produced by the pack's
 * driver (what the pack's own events pay: its grant read and each check).
 */
import pino from 'pino';
import { MemoryStateStore } from '../src/adapters/memory/index.js';
import { packPermissionsSchema } from '../src/packs/index.js';
import { systemClock, type Driver, type Envelope } from '../src/kernel/index.js';
import { createSecuritySystem, DEFAULT_POLICIES, type PackGrants, type SecuritySystem } from '../src/security/index.js';
import { row, type BenchRow } from './stats.js';

type Round = (security: SecuritySystem, envelopes: readonly Envelope[]) => Promise<{ events: number; ms: number }>;
/** A variant's next round of traffic (new content each time: see buildEnvelopes). */
type Traffic = () => readonly Envelope[];

const PAIRS = 6;
const logger = pino({ level: 'silent' });

/** One pack, `feeds`, whose driver handles `feed.*` (no bench event), granted to everyone. */
function feedsPack(): PackGrants {
  const directory = { drivers: new Map([['feed_reader', { pack: 'feeds', capabilities: ['feed.*'] }]]) };
  const permissions = packPermissionsSchema.parse({
    events: { receives: ['feed.*'], emits: ['*'] },
    context: { read: ['/'], write: ['/'] },
    models: ['gpt-4o-mini', 'claude-haiku'],
  });
  return { directory: () => directory, permissionsFor: () => permissions };
}

async function security(packs?: PackGrants): Promise<SecuritySystem> {
  const system = createSecuritySystem(new MemoryStateStore(), systemClock, logger, packs === undefined ? {} : { packs });
  // As the kernel bench does: the rate limits raised out of the way of one bench user.
  await system.policies.seedGlobal(DEFAULT_POLICIES.map((policy) => (policy.id.startsWith('rate-limit') ? { ...policy, condition: policy.condition.replace(/> \d+$/, '> 1000000000') } : policy)));
  return system;
}

/** CPU microseconds per event of each variant, over PAIRS interleaved rounds each. */
async function cpuPerEvent(round: Round, variants: ReadonlyArray<{ security: SecuritySystem; traffic: Traffic }>): Promise<number[]> {
  const cpu = variants.map(() => 0);
  const events = variants.map(() => 0);
  for (const variant of variants) await round(variant.security, variant.traffic()); // warm-up
  for (let pair = 0; pair < PAIRS; pair += 1) {
    for (const [index, variant] of variants.entries()) {
      const envelopes = variant.traffic();
      const before = process.cpuUsage();
      const result = await round(variant.security, envelopes);
      const used = process.cpuUsage(before);
      cpu[index]! += used.user + used.system;
      events[index]! += result.events;
    }
  }
  return cpu.map((micros, index) => micros / events[index]!);
}

export async function packGrantRows(drivers: readonly Driver[], traffic: Traffic, kernelRound: (drivers: readonly Driver[], envelopes: readonly Envelope[], inFlight: number, security: SecuritySystem) => Promise<{ events: number; ms: number }>, inFlight: number): Promise<BenchRow[]> {
  const round: Round = (system, events) => kernelRound(drivers, events, inFlight, system);
  const produced: Traffic = () => traffic().map((event) => ({ ...event, producer: 'feed_reader', depth: 1 }));
  const [without, withPack, fromPack] = await cpuPerEvent(round, [
    { security: await security(), traffic },
    { security: await security(feedsPack()), traffic },
    { security: await security(feedsPack()), traffic: produced },
  ]);
  const baseline = { name: 'no pack installed', value: without!, unit: 'µs' };
  return [
    row({ bench: 'kernel', name: 'policy engine, no pack installed: CPU per event', value: without!, unit: 'µs', note: `default policies, ${inFlight} in flight; ${PAIRS} rounds interleaved with the rows below` }),
    row({
      bench: 'kernel',
      name: 'policy engine, a pack installed, events not its own: CPU per event',
      value: withPack!,
      unit: 'µs',
      baseline,
      target: { of: 'ratio', op: '<', threshold: 1.05 },
      note: 'the pack check on every event: a Map lookup on the producer and one on the type',
    }),
    row({ bench: 'kernel', name: 'policy engine, every event from a pack\'s driver: CPU per event', value: fromPack!, unit: 'µs', baseline, note: 'its grant read and checked (emits, context paths, models) on each' }),
  ];
}
