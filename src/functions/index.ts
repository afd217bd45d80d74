/**
 * The Function App: registrations only. `main` in package.json points at this file's build.
 *
 * - `api`: every /api/... route, served by the same handlers as the local host.
 * - `UniversalEventProcessor`: the Service Bus queue trigger; `connection` names the app setting
 *   prefix (ServiceBusConnection__fullyQualifiedNamespace for managed identity), never a secret.
 */
import { app } from '@azure/functions';
import { azureSystem } from './azure-system.js';
import { createHttpHandler } from './http-adapter.js';
import { createQueueHandler } from './queue-handler.js';

app.setup({ enableHttpStream: true });

app.http('api', {
  route: 'api/{*path}',
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  authLevel: 'anonymous', // authentication is the API's own (Entra ID bearer tokens)
  handler: createHttpHandler(async () => (await azureSystem()).api),
});

app.serviceBusQueue('UniversalEventProcessor', {
  connection: 'ServiceBusConnection',
  queueName: '%SERVICEBUS_QUEUE%',
  handler: createQueueHandler(azureSystem),
});
