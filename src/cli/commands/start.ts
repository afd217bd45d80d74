import type { Config } from '../../config.js';
import { createLogger } from '../../logging.js';
import { CliError } from '../cli-error.js';
import { runUntilSignal } from '../run-until-signal.js';

/** Runs the whole system on the embedded default until SIGINT/SIGTERM. */
export async function startCommand(config: Config): Promise<void> {
  if (config.mode !== 'local') {
    throw new CliError('`vextir start` runs the embedded default (VEXTIR_MODE=local); with VEXTIR_MODE=azure the Functions host runs Vextir OS, or `vextir worker` runs its processor', 2);
  }
  const logger = createLogger(config.log, { service: 'vextir' });
  // Loaded here, not at the top: only this command needs SQLite.
  const { startLocal } = await import('../../hosts/embedded/index.js');
  runUntilSignal(await startLocal(config, logger), logger);
}
