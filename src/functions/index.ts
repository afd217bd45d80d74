/**
 * The Function App: registrations only. `main` in package.json points at this file's build.
 *
 * - `api`: every /api/... route, served by the same handlers as the local host.
 * - `apps`: GET /apps/... , the UI applications' static pages and assets (the same handler: the
 *   API routes them; host.json's empty routePrefix puts them beside /api).
 * - `UniversalEventProcessor`: the Service Bus queue trigger; `connection` names the app setting
 *   prefix (ServiceBusConnection__fullyQualifiedNamespace for managed identity), never a secret.
 * - `SchedulerTick`: every 30 s, fires the schedule slots due within the next minute; Service Bus
 *   scheduled messages deliver each at its instant. Several instances may run it at once: each
 *   slot still fires once (src/scheduler).
 */
import { app } from '@azure/functions';
import { azureSystem } from './azure-system.js';
import { createHttpHandler } from './http-adapter.js';
import { createQueueHandler } from './queue-handler.js';
import { createSchedulerTick } from './scheduler-tick.js';

app.setup({ enableHttpStream: true });

app.http('api', {
  route: 'api/{*path}',
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  authLevel: 'anonymous', // authentication is the API's own (Entra ID bearer tokens)
  handler: createHttpHandler(async () => (await azureSystem()).api),
});

app.http('apps', {
  route: 'apps/{*path}',
  methods: ['GET'],
  authLevel: 'anonymous', // static pages with no user data; what they show is fetched from /api with a token
  handler: createHttpHandler(async () => (await azureSystem()).api),
});

app.timer('SchedulerTick', {
  schedule: '*/30 * * * * *',
  handler: createSchedulerTick(azureSystem),
});

app.serviceBusQueue('UniversalEventProcessor', {
  connection: 'ServiceBusConnection',
  queueName: '%SERVICEBUS_QUEUE%',
  handler: createQueueHandler(azureSystem),
});
