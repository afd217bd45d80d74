import type { Config } from '../../config.js';
import { startLocal } from '../../composition.js';
import { createLogger } from '../../logging.js';

/** Runs the whole system on the embedded default until SIGINT/SIGTERM. */
export async function startCommand(config: Config): Promise<void> {
  if (config.mode !== 'local') {
    throw new Error('`vextir start` runs the embedded default (VEXTIR_MODE=local); on Azure the Functions host runs Vextir OS');
  }
  const logger = createLogger(config.log, { service: 'vextir' });
  const host = await startLocal(config, logger);
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
