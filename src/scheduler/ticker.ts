/**
 * Runs the scheduler's tick in a process that lives (the embedded host, `vextir worker`): every
 * `intervalMs`, firing the slots due within the next interval ahead of time (the bus holds them
 * until their instant). On Azure Functions a timer-triggered function calls `tick` instead.
 */
import type { Logger } from '../kernel/index.js';
import type { Scheduler } from './scheduler.js';

export interface Ticker {
  stop(): Promise<void>;
}

export function startTicker(scheduler: Scheduler, options: { intervalMs: number; logger: Logger }): Ticker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const run = async (): Promise<void> => {
    try {
      const result = await scheduler.tick(options.intervalMs * 2);
      if (result.fired + result.skipped + result.repaired > 0) options.logger.debug({ ...result }, 'scheduler tick');
    } catch (error) {
      options.logger.error({ err: error }, 'the scheduler tick failed; retrying on the next one');
    }
  };
  const loop = (): void => {
    if (stopped) return;
    running = run().finally(() => {
      if (!stopped) timer = setTimeout(loop, options.intervalMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
