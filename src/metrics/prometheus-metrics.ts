/**
 * Prometheus metrics for one process (`GET /api/metrics`): the kernel reports through its
 * ProcessorObserver port, the API through ApiMetrics; prom-client stays out of both. A registry per instance, never the
 * global default, so tests and several hosts in one process do not share counters.
 */
import { Gauge, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';
import type { ProcessorObserver } from '../kernel/index.js';

/** Event types are user-defined; past this many distinct ones, new types count as `other`. */
const MAX_TYPE_LABELS = 500;

export class PrometheusMetrics implements ProcessorObserver {
  readonly registry = new Registry();
  readonly #types = new Set<string>();
  // Counters and histograms updated per event are this project's own (labelled-metrics.ts says
  // why); prom-client renders them and keeps the gauge.
  readonly #settled: LabelledCounter<'type' | 'status'>;
  readonly #eventSeconds: LabelledHistogram<'status'>;
  readonly #driverSeconds: LabelledHistogram<'driver' | 'status'>;
  readonly #ingested: LabelledCounter<'type'>;

  constructor(queueDepth?: () => Promise<number>) {
    const registers = [this.registry];
    this.#settled = new LabelledCounter({
      name: 'vextir_events_settled_total',
      help: 'Events the processor settled, by type and resulting status (processed, failed, denied, dead_lettered, retrying)',
      labelNames: ['type', 'status'],
      registers,
    });
    this.#eventSeconds = new LabelledHistogram({
      name: 'vextir_event_processing_seconds',
      help: 'Time from a delivery reaching the processor to its outcome being decided',
      labelNames: ['status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#driverSeconds = new LabelledHistogram({
      name: 'vextir_driver_duration_seconds',
      help: 'Duration of one driver handling one event',
      labelNames: ['driver', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#ingested = new LabelledCounter({
      name: 'vextir_events_ingested_total',
      help: 'Events accepted at ingress (HTTP), by type',
      labelNames: ['type'],
      registers,
    });
    if (queueDepth) {
      new Gauge({
        name: 'vextir_queue_depth',
        help: 'Messages waiting in the queue (visible or scheduled)',
        registers,
        async collect() {
          this.set(await queueDepth());
        },
      });
    }
  }

  eventSettled(type: string, status: string, seconds: number): void {
    this.#settled.inc(this.#typeLabel(type), status);
    this.#eventSeconds.observe(seconds, status);
  }

  driverRan(driver: string, status: string, seconds: number): void {
    this.#driverSeconds.observe(seconds, driver, status);
  }

  eventIngested(type: string): void {
    this.#ingested.inc(this.#typeLabel(type));
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #typeLabel(type: string): string {
    if (this.#types.has(type)) return type;
    if (this.#types.size >= MAX_TYPE_LABELS) return 'other';
    this.#types.add(type);
    return type;
  }
}

