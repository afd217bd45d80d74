/** The Function App's one system, composed on first use and shared by every function in the process. */
import { composeAzure, type AzureSystem } from '../hosts/azure/index.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logging.js';

let system: Promise<AzureSystem> | undefined;

export function azureSystem(): Promise<AzureSystem> {
  system ??= (async () => {
    const config = loadConfig(process.env);
    return composeAzure(config, createLogger({ level: config.log.level, format: 'json' }, { service: 'vextir-functions' }));
  })().catch((error: unknown) => {
    system = undefined; // let the next invocation try again (e.g. a transient Cosmos outage at start)
    throw error;
  });
  return system;
}
