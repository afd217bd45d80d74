/**
 * What the security stage costs by part of the default policies, inside the kernel: the kernel
 * alone (allow-all), the policy engine with no policy at all (its own work on every event: the
 * context ACL, the compiled set, the decision, counting usage), the default policies without
 * PII protection (the usage snapshot, the CEL environment and six conditions), and all of them
 * (the PII scan of every string of every event besides). Rounds interleaved (interleaved.ts), so
 * that the steps between the rows are this run's. Each row also gives the kernel alone's CPU per
 * event divided by its own. That ratio is stricter than the rate ratio of the row "with the
 * policy engine": the collector's helper threads, which the policies keep busier, count here
 * while on a second core they cost the rate little.
 */
import type { Driver, Envelope } from '../src/kernel/index.js';
import type { SecuritySystem } from '../src/security/index.js';
import type { kernelRound as KernelRound } from './kernel.js';
import { interleavedCpuPerEvent } from './interleaved.js';
import { benchSecurity } from './kernel-security.js';
import { row, type BenchRow } from './stats.js';

const PASSES = 6;

export async function stageSplitRows(drivers: readonly Driver[], traffic: () => readonly Envelope[], kernelRound: typeof KernelRound, inFlight: number): Promise<BenchRow[]> {
  const variants: Array<{ name: string; security: SecuritySystem | undefined; note: string }> = [
    { name: 'the kernel alone (allow-all)', security: undefined, note: `${inFlight} in flight; ${PASSES} rounds of each row, interleaved` },
    {
      name: 'the policy engine with no policy',
      security: await benchSecurity({ keep: () => false }),
      note: 'context ACL, compiled set, an empty evaluation, the decision, usage counted',
    },
    {
      name: 'the default policies without PII protection',
      security: await benchSecurity({ keep: (policy) => policy.id !== 'pii-protection' }),
      note: 'besides: the usage snapshot, the CEL environment, six conditions (rates, budgets, /Personal)',
    },
    { name: 'the default policies', security: await benchSecurity(), note: 'besides: the PII scan of every string of the event, and its redacted copy' },
  ];
  const cpu = await interleavedCpuPerEvent(
    variants.map((variant) => ({ input: traffic, round: (envelopes: readonly Envelope[]) => kernelRound(drivers, envelopes, inFlight, variant.security) })),
    PASSES,
  );
  const alone = cpu[0]!;
  const baseline = { name: 'the kernel alone', value: alone, unit: 'µs' };
  return variants.map((variant, index) => {
    const used = cpu[index]!;
    const name = `stage by part: ${variant.name}, CPU per event`;
    if (index === 0) return row({ bench: 'kernel', name, value: used, unit: 'µs', note: variant.note });
    return row({
      bench: 'kernel',
      name,
      value: used,
      unit: 'µs',
      baseline,
      note: `${variant.note}; +${(used - alone).toFixed(1)} µs, the kernel alone / this = ${(alone / used).toFixed(3)}`,
    });
  });
}
