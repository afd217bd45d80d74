/**
 * The Azure path: with APPLICATIONINSIGHTS_CONNECTION_STRING on VEXTIR_MODE=azure, the Azure host's
 * factory builds the Azure Monitor exporter (loaded only then). Its export needs a managed
 * identity and Application Insights, so only its construction and its place in a provider are
 * checked here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { azureMonitorExporter } from '../../src/hosts/azure/tracing.js';
import { createTracing } from '../../src/tracing/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

const connectionString = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/';
const azure = { VEXTIR_MODE: 'azure', ServiceBusConnection__fullyQualifiedNamespace: 'ns.servicebus.windows.net', COSMOS_ENDPOINT: 'https://account.documents.azure.com:443/', ENTRA_TENANT_ID: '00000000-0000-0000-0000-000000000001', ENTRA_AUDIENCE: 'api://vextir' };

describe('traces to Azure Monitor', () => {
  it('is on for the Azure host when Application Insights is configured, beside OTLP if that is set too', () => {
    assert.deepEqual(loadConfig({ ...azure, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }).tracing, { serviceName: 'vextir-os', otlp: undefined, azureMonitor: { connectionString } });
    assert.equal(loadConfig({ ...azure, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString, OTEL_SDK_DISABLED: 'true' }).tracing, undefined);
    assert.equal(loadConfig({ ...azure, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }).tracing?.otlp?.endpoint, 'http://collector:4318');
  });

  it('builds the exporter and a provider around it', async () => {
    const exporter = await azureMonitorExporter(connectionString);
    assert.equal(typeof exporter.export, 'function');
    const tracing = createTracing({ serviceName: 'vextir-os', serviceVersion: '0.0.0', exporters: [exporter] });
    tracing.tracer.startEvent(makeEvent(), 1).end();
    await tracing.shutdown();
  });
});
