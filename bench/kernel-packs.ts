/**
 * The price of skill pack grants in the security stage, same run, rounds interleaved so that
 * load from elsewhere weighs on both sides alike: the policy engine with the default policies
 * and no packs, against the same with a pack installed and granted to every user. The traffic
 * is the kernel bench's, none of it the pack's (what every other event pays: one Map lookup on
 * the producer, one on the type); and the same traffic stamped as produced by the pack's
 * driver (what the pack's own events pay: its grant read and each check).
 */
import { packPermissionsSchema } from '../src/packs/index.js';
import type { Driver, Envelope } from '../src/kernel/index.js';
import type { PackGrants, SecuritySystem } from '../src/security/index.js';
import { benchSecurity } from './kernel-security.js';
import type { kernelRound as KernelRound } from './kernel.js';
import { interleavedCpuPerEvent } from './interleaved.js';
import { row, type BenchRow } from './stats.js';

type Round = (security: SecuritySystem, envelopes: readonly Envelope[]) => Promise<{ events: number; ms: number }>;
/** A variant's next round of traffic (new content each time: see buildEnvelopes). */
type Traffic = () => readonly Envelope[];

const PAIRS = 6;

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

export async function packGrantRows(drivers: readonly Driver[], traffic: Traffic, kernelRound: typeof KernelRound, inFlight: number): Promise<BenchRow[]> {
  const round: Round = (system, events) => kernelRound(drivers, events, inFlight, system);
  const produced: Traffic = () => traffic().map((event) => ({ ...event, producer: 'feed_reader', depth: 1 }));
  const variants = [
    { security: await benchSecurity(), traffic },
    { security: await benchSecurity({ packs: feedsPack() }), traffic },
    { security: await benchSecurity({ packs: feedsPack() }), traffic: produced },
  ];
  const [without, withPack, fromPack] = await interleavedCpuPerEvent(
    variants.map((variant) => ({ input: variant.traffic, round: (envelopes: readonly Envelope[]) => round(variant.security, envelopes) })),
    PAIRS,
  );
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
