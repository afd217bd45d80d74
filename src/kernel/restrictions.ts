/**
 * What a `restrict` policy can constrain. The kernel enforces `external` and `drivers` itself
 * (drivers it may not run are skipped and the record says why) and `redactPii` (external
 * drivers see a redacted copy of the event); `models` is handed to drivers in their context,
 * for model selection, which only an agent driver can do.
 */
import { z } from 'zod';

export const restrictionsSchema = z.strictObject({
  /** false: drivers whose manifest says `external: true` (they send data out) do not run. */
  external: z.boolean().optional(),
  /** true: drivers whose manifest says `external: true` get the event with PII redacted. */
  redactPii: z.boolean().optional(),
  drivers: z
    .strictObject({
      /** Only these driver ids may run. */
      allow: z.array(z.string()).optional(),
      /** These driver ids may not run. */
      deny: z.array(z.string()).optional(),
    })
    .optional(),
  models: z
    .strictObject({
      /** Only these model ids may be selected. */
      allow: z.array(z.string()).optional(),
      /** Only models at most this expensive (USD per 1,000 tokens, input and output alike). */
      maxCostPer1kTokens: z.number().nonnegative().optional(),
    })
    .optional(),
});
export type Restrictions = z.infer<typeof restrictionsSchema>;

/** The most restrictive combination of two sets of restrictions. */
export function mergeRestrictions(a: Restrictions, b: Restrictions): Restrictions {
  const merged: Restrictions = { ...a };
  if (b.external !== undefined) merged.external = a.external === false ? false : b.external;
  if (b.redactPii !== undefined) merged.redactPii = a.redactPii === true || b.redactPii;
  if (b.drivers) {
    const allow = intersect(a.drivers?.allow, b.drivers.allow);
    const deny = union(a.drivers?.deny, b.drivers.deny);
    merged.drivers = { ...(allow && { allow }), ...(deny && { deny }) };
  }
  if (b.models) {
    const allow = intersect(a.models?.allow, b.models.allow);
    const costs = [a.models?.maxCostPer1kTokens, b.models.maxCostPer1kTokens].filter((cost) => cost !== undefined);
    merged.models = { ...(allow && { allow }), ...(costs.length > 0 && { maxCostPer1kTokens: Math.min(...costs) }) };
  }
  return merged;
}

function intersect(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.filter((item) => b.includes(item));
}

function union(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return [...new Set([...a, ...b])];
}

/** Why restrictions keep a driver from running, or undefined when it may run. */
export function restrictionBlocksDriver(restrictions: Restrictions, driver: { id: string; external: boolean }): string | undefined {
  if (restrictions.external === false && driver.external) return `driver ${driver.id} sends data outside the system, and a policy forbids that for this event`;
  if (restrictions.drivers?.allow && !restrictions.drivers.allow.includes(driver.id)) return `driver ${driver.id} is not among the drivers a policy allows for this event`;
  if (restrictions.drivers?.deny?.includes(driver.id)) return `a policy forbids driver ${driver.id} for this event`;
  return undefined;
}
