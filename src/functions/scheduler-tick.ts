/** The timer trigger's glue: one scheduler tick, publishing the slots due within the next minute ahead of time. */
import type { InvocationContext, Timer } from '@azure/functions';
import type { AzureSystem } from '../hosts/azure/index.js';

/** Twice the timer's period: a late or skipped timer run still finds the next slots published. */
const LOOKAHEAD_MS = 60_000;

export function createSchedulerTick(system: () => Promise<AzureSystem>): (timer: Timer, context: InvocationContext) => Promise<void> {
  return async (_timer, context) => {
    const result = await (await system()).scheduler.tick(LOOKAHEAD_MS);
    if (result.fired + result.skipped + result.repaired > 0) context.log(`scheduler tick: ${result.fired} fired, ${result.skipped} skipped, ${result.repaired} repaired`);
  };
}
