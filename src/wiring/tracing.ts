/**
 * Tracing, when the configuration turns it on: src/tracing (and with it the OpenTelemetry SDK) is
 * imported only then, so a system without it loads none of it and its processor has no Tracer.
 */
import type { TracingConfig } from '../config.js';
import type { Logger } from '../kernel/index.js';
import type { SpanExporter, Tracing } from '../tracing/index.js';
import { VERSION } from '../version.js';

/** The Azure host's exporter to Application Insights (the embedded default has none). */
export type AzureMonitorExporterFactory = (connectionString: string) => Promise<SpanExporter>;

export async function startTracing(config: TracingConfig | undefined, azureMonitor: AzureMonitorExporterFactory | undefined, logger: Logger): Promise<Tracing | undefined> {
  if (config === undefined) return undefined;
  const { createTracing, otlpExporter } = await import('../tracing/index.js');
  const exporters: SpanExporter[] = [];
  if (config.otlp) exporters.push(otlpExporter(config.otlp.endpoint, config.otlp.headers));
  if (config.azureMonitor) {
    if (azureMonitor) exporters.push(await azureMonitor(config.azureMonitor.connectionString));
    else logger.warn('APPLICATIONINSIGHTS_CONNECTION_STRING is set but this host cannot export to Azure Monitor; traces go to OTLP only');
  }
  if (exporters.length === 0) return undefined;
  logger.info({ service: config.serviceName, otlp: config.otlp?.endpoint, azureMonitor: exporters.length > (config.otlp ? 1 : 0) }, 'tracing is on');
  return createTracing({ serviceName: config.serviceName, serviceVersion: VERSION, exporters });
}
