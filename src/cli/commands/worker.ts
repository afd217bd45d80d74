import type { Config } from '../../config.js';
import { createLogger } from '../../logging.js';
import { CliError } from '../cli-error.js';
import { runUntilSignal } from '../run-until-signal.js';

/** Runs the UniversalEventProcessor on the Service Bus queue, outside Functions, until SIGINT/SIGTERM. */
export async function workerCommand(config: Config): Promise<void> {
  if (config.mode !== 'azure') {
    throw new CliError('`vextir worker` processes the Service Bus queue (VEXTIR_MODE=azure and its settings); the embedded default runs its own worker in `vextir start`', 2);
  }
  const logger = createLogger(config.log, { service: 'vextir-worker' });
  // Loaded here, not at the top: only this command needs the Azure SDKs.
  const { startAzureWorker } = await import('../../hosts/azure/index.js');
  runUntilSignal(await startAzureWorker(config, logger), logger);
}
