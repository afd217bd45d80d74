/** Prometheus exposition of what the processor and the API observe (prom-client lives here only). */
export { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';
export { PrometheusMetrics } from './prometheus-metrics.js';
