/**
 * The UniversalEventProcessor's handler: host types in, kernel call. Returning lets the host
 * complete the message; throwing makes it abandon the message for redelivery.
 */
import type { InvocationContext } from '@azure/functions';
import type { AzureSystem } from '../hosts/azure/index.js';
import { fromServiceBusTrigger } from './service-bus-trigger.js';

export function createQueueHandler(getSystem: () => Promise<AzureSystem>) {
  return async function universalEventProcessor(message: unknown, context: InvocationContext): Promise<void> {
    const triggered = fromServiceBusTrigger(message, context.triggerMetadata);
    const system = await getSystem();
    await system.handleQueueMessage(triggered);
  };
}
