/** Builds a processor over the in-memory adapters, with a controllable clock. */
import pino from 'pino';
import { MemoryAuditLog, MemoryEventStore, MemoryQueue } from '../../src/adapters/memory/index.js';
import { createDriverRegistry } from '../../src/drivers/index.js';
import { EventProcessor, type Authorizer, type Clock, type DelayedEventCounter, type Driver, type Envelope, type ProcessorOptions, type Tracer, type UsageRecorder } from '../../src/kernel/index.js';
import { allowAllAuthorizer } from '../../src/security/index.js';

export const silentLogger = pino({ level: 'silent' });

export class TestClock implements Clock {
  constructor(private current = new Date('2026-01-01T00:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function kernelFixture(drivers: Driver[], options: { authorizer?: Authorizer; processor?: Partial<ProcessorOptions>; clock?: Clock; usage?: UsageRecorder; delayed?: DelayedEventCounter; tracer?: Tracer } = {}) {
  const clock = options.clock ?? new TestClock();
  const store = new MemoryEventStore();
  const audit = new MemoryAuditLog();
  const queue = new MemoryQueue({ clock });
  queue.bindStore(store, audit);
  const registry = createDriverRegistry(drivers);
  const processor = new EventProcessor({
    store,
    drivers: registry,
    authorizer: options.authorizer ?? allowAllAuthorizer,
    clock,
    logger: silentLogger,
    ...(options.usage && { usage: options.usage }),
    ...(options.delayed && { delayed: options.delayed }),
    ...(options.tracer && { tracer: options.tracer }),
    options: { retryBaseMs: 10, retryMaxMs: 100, ...options.processor },
  });
  return { clock, store, audit, queue, registry, processor };
}

export function makeEvent(overrides: Partial<Envelope> = {}): Envelope {
  const id = overrides.id ?? 'e1';
  return {
    specversion: '1.0',
    id,
    type: 'demo.ping',
    source: '/test',
    time: '2026-01-01T00:00:00.000Z',
    userid: 'alice',
    category: 'input',
    correlationid: id,
    depth: 0,
    data: {},
    ...overrides,
  };
}
