import type { Logger } from '../kernel/index.js';

/** Keeps a host running until SIGINT or SIGTERM, then stops it gracefully and exits (1 if stopping failed). */
export function runUntilSignal(host: { stop(): Promise<void> }, logger: Logger): void {
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'signal received');
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
