/**
 * Prometheus metrics for one process (`GET /api/metrics`). A registry per instance, never the
 * global default, so tests and several hosts in one process do not share counters.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProcessorObserver } from './processor/processor.js';

/** Event types are user-defined; past this many distinct ones, new types count as `other`. */
const MAX_TYPE_LABELS = 500;

export class KernelMetrics implements ProcessorObserver {
  readonly registry = new Registry();
  readonly #types = new Set<string>();
  // Labelled children by label values: resolving labels on every observation showed in profiles.
  readonly #counters = new Map<string, Counter.Internal>();
  readonly #histograms = new Map<string, Histogram.Internal<string>>();
  readonly #settled: Counter<'type' | 'status'>;
  readonly #eventSeconds: Histogram<'status'>;
  readonly #driverSeconds: Histogram<'driver' | 'status'>;
  readonly #ingested: Counter<'type'>;

  constructor(queueDepth?: () => Promise<number>) {
    const registers = [this.registry];
    this.#settled = new Counter({
      name: 'vextir_events_settled_total',
      help: 'Events the processor settled, by type and resulting status (processed, failed, denied, dead_lettered, retrying)',
      labelNames: ['type', 'status'],
      registers,
    });
    this.#eventSeconds = new Histogram({
      name: 'vextir_event_processing_seconds',
      help: 'Time from a delivery reaching the processor to its outcome being decided',
      labelNames: ['status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#driverSeconds = new Histogram({
      name: 'vextir_driver_duration_seconds',
      help: 'Duration of one driver handling one event',
      labelNames: ['driver', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#ingested = new Counter({
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
    const typeLabel = this.#typeLabel(type);
    const key = `${typeLabel}\0${status}`;
    let counter = this.#counters.get(key);
    if (!counter) this.#counters.set(key, (counter = this.#settled.labels(typeLabel, status)));
    counter.inc();
    this.#histogram(`event\0${status}`, () => this.#eventSeconds.labels(status)).observe(seconds);
  }

  driverRan(driver: string, status: string, seconds: number): void {
    this.#histogram(`driver\0${driver}\0${status}`, () => this.#driverSeconds.labels(driver, status)).observe(seconds);
  }

  #histogram(key: string, create: () => Histogram.Internal<string>): Histogram.Internal<string> {
    let histogram = this.#histograms.get(key);
    if (!histogram) this.#histograms.set(key, (histogram = create()));
    return histogram;
  }

  eventIngested(type: string): void {
    this.#ingested.inc({ type: this.#typeLabel(type) });
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

