/**
 * Traces to Application Insights through the Azure Monitor exporter, signed in with the managed
 * identity (the Bicep's Application Insights accepts no instrumentation key alone: local auth is
 * off). Imported only when tracing reaches Azure Monitor, so a Function App without it never
 * loads the exporter or the OpenTelemetry SDK.
 */
import type { SpanExporter } from '../../tracing/index.js';

export async function azureMonitorExporter(connectionString: string): Promise<SpanExporter> {
  const [{ AzureMonitorTraceExporter }, { DefaultAzureCredential }] = await Promise.all([import('@azure/monitor-opentelemetry-exporter'), import('@azure/identity')]);
  return new AzureMonitorTraceExporter({ connectionString, credential: new DefaultAzureCredential() });
}
