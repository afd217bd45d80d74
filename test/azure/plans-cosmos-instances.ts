/**
 * Two (or more) processor instances of the Azure path for plans-cosmos.test.ts, as two Function
 * App instances or two `vextir worker`s would be: each has its own Cosmos client (openCosmosStore
 * against the protocol server), its own Service Bus client, sender and peek-lock receiver on the
 * one shared queue (the AMQP test broker), and its own PlanSystem and EventProcessor, so each has
 * its own in-process per-plan lock: between the instances only ETags decide.
 *
 * What the test counts comes from here: the ETag failures the plan store met (a StateStore
 * wrapper), the deliveries that ended in a retry and why (a QueueConsumer wrapper), and the
 * requests the work driver got, with the idempotency key each came with.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceBusClient } from '@azure/service-bus';
import { pino } from 'pino';
import { openCosmosStore, ServiceBusEventBus, ServiceBusQueueConsumer } from '../../src/adapters/azure/index.js';
import { createDriverRegistry } from '../../src/drivers/index.js';
import {
  applyOutcome, EventProcessor, isKernelError, QueueWorker, systemClock, toKernelError,
  type Driver, type Envelope, type EventBus, type OutcomeTargets, type PutOptions, type QueueConsumer, type StateStore,
} from '../../src/kernel/index.js';
import type { PlanSystem } from '../../src/plans/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { allowAllAuthorizer } from '../../src/security/index.js';
import { combineRoutes, createPlans, nativeTools } from '../../src/wiring/index.js';
import type { AmqpBroker } from '../helpers/amqp-broker/index.js';
import type { CosmosTestServer } from '../helpers/cosmos-server.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

export const WORK = 'demo.work';

/** What every instance adds to, read by the test at the end. */
export class Tally {
  /** ETag (If-Match) failures of StateStore puts, by item kind; `<kind> (exists)`: a create (If-None-Match) found one. */
  readonly etagFailures = new Map<string, number>();
  /** Deliveries that ended in a retry (redelivered later), by error code. */
  readonly retries = new Map<string, number>();
  /** The highest attempt any delivery reached (1: nothing needed delivering twice). */
  maxAttempt = 0;
  /** Requests the work driver got: event id -> how many times. */
  readonly requests = new Map<string, number>();
  /** The external side effect, keyed by idempotency key: applied once, later calls are replays. */
  readonly effects = new Map<string, { eventId: string; calls: number }>();
  /** Direct (duplicate) deliveries, by outcome; failures that are not a copy dying are errors. */
  readonly duplicates = new Map<string, number>();
  readonly duplicateErrors: unknown[] = [];
  /** What the workers logged as errors (a processing failure makes the message come again). */
  readonly workerErrors: string[] = [];

  add(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }
}

export interface Instance {
  name: string;
  plans: PlanSystem;
  processor: EventProcessor;
  /** Where outcomes are made durable (the duplicating bus, Cosmos records and audit). */
  targets: OutcomeTargets;
  /** Publish through the instance's bus (not its outcome targets): what ingest uses. */
  bus: EventBus;
  close(): Promise<void>;
}

export interface InstanceOptions {
  name: string;
  broker: AmqpBroker;
  cosmos: CosmosTestServer;
  databaseId: string;
  queue: string;
  tally: Tally;
  /** Called with every event this instance's outcomes publish, after it was sent (the test duplicates answers here). */
  onOutput(event: Envelope): void;
}

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const { tally } = options;
  const stores = await openCosmosStore({ client: options.cosmos.client(), databaseId: options.databaseId, createIfNotExists: true });
  const serviceBus = new ServiceBusClient(options.broker.connectionString);
  const bus = new ServiceBusEventBus(serviceBus, options.queue);
  const outputs: EventBus = {
    async publish(events, publishOptions) {
      await bus.publish(events, publishOptions);
      for (const event of events) options.onOutput(event);
    },
  };
  const targets: OutcomeTargets = { bus: outputs, store: stores.store, audit: stores.audit };
  const consumer = new ServiceBusQueueConsumer(serviceBus, options.queue, { targets, receiveWaitMs: 100, pollMs: 10 });
  const state = countingEtagFailures(stores.state, tally);
  const tools = createToolRegistry(nativeTools());
  const publish = async () => undefined; // no schedules here: the instruction has no cron trigger
  const scheduler = new Scheduler({ store: new ScheduleStore(state), publish, clock: systemClock, logger: silentLogger });
  const plans = createPlans({ state, store: stores.store, bus, clock: systemClock, logger: silentLogger, scheduler, tools });
  const processor = new EventProcessor({
    store: stores.store,
    drivers: createDriverRegistry([workDriver(tally), plans.driver]),
    authorizer: allowAllAuthorizer,
    clock: systemClock,
    logger: silentLogger,
    dynamicRoutes: combineRoutes(plans.routes),
    // Fast retries: a transition that lost an ETag race is applied again within milliseconds.
    options: { retryBaseMs: 20, retryMaxMs: 200 },
  });
  const logger = pino({ level: 'error' }, { write: (line: string) => void tally.workerErrors.push(line) });
  const worker = new QueueWorker(countingRetries(consumer, tally), processor, logger, { concurrency: 16, idleWaitMs: 50, errorDelayMs: 50 });
  worker.start();
  return {
    name: options.name,
    plans,
    processor,
    targets,
    bus,
    async close() {
      await worker.stop(2000);
      await Promise.all([bus.close(), consumer.close()]);
      await serviceBus.close();
    },
  };
}

/**
 * Hands an event to an instance's processor directly, as a second delivery of it (a lock that ran
 * out while the first holder still worked on it): the bus's own copy is delivered too. A complete
 * outcome is made durable; a retry is left to the bus's copy.
 */
export async function deliverDirectly(instance: Instance, event: Envelope, tally: Tally): Promise<void> {
  try {
    const outcome = await instance.processor.process(structuredClone(event), { deliveryCount: 1, messageId: `${event.id}.dup-${instance.name}` });
    tally.add(tally.duplicates, outcome.kind === 'retry' ? `retry (${outcome.error.code})` : outcome.kind);
    if (outcome.kind === 'complete') await applyOutcome(outcome, instance.targets);
  } catch (caught) {
    // A retryable failure (the audit chain's race, say) is a copy that died: the bus's copy converges.
    const error = toKernelError(caught);
    if (error.retryable) tally.add(tally.duplicates, `died (${error.code})`);
    else tally.duplicateErrors.push(error);
  }
}

/** Answers `demo.work` after a short random pause, applying its side effect once per idempotency key. */
function workDriver(tally: Tally): Driver {
  return {
    manifest: { id: 'worker', name: 'worker', version: '1.0.0', type: 'tool', capabilities: [WORK], external: false, resources: { timeout: 10_000, maxConcurrency: 64 } },
    async handle(event, context) {
      tally.add(tally.requests, event.id);
      await sleep(Math.floor(Math.random() * 4));
      const effect = tally.effects.get(context.idempotencyKey);
      if (effect === undefined) tally.effects.set(context.idempotencyKey, { eventId: event.id, calls: 1 });
      else effect.calls += 1; // a replay: the external system recognises the key and does nothing
      return [{ type: `${WORK}.result`, data: { did: event.data } }];
    },
  };
}

function countingEtagFailures(inner: StateStore, tally: Tally): StateStore {
  return {
    get: (partition, kind, key) => inner.get(partition, kind, key),
    getMany: (partition, kind, keys) => inner.getMany(partition, kind, keys),
    delete: (partition, kind, key, options) => inner.delete(partition, kind, key, options),
    list: (partition, kind, options) => inner.list(partition, kind, options),
    increment: (partition, kind, key, deltas, options) => inner.increment(partition, kind, key, deltas, options),
    async put(partition: string, kind: string, key: string, value: unknown, options?: PutOptions) {
      try {
        return await inner.put(partition, kind, key, value, options);
      } catch (error) {
        if (isKernelError(error, 'precondition_failed')) tally.add(tally.etagFailures, options?.ifMatch === undefined ? `${kind} (exists)` : kind);
        throw error;
      }
    },
  };
}

function countingRetries(inner: QueueConsumer, tally: Tally): QueueConsumer {
  return {
    receive: (max) => inner.receive(max),
    async settle(delivery, outcome) {
      tally.maxAttempt = Math.max(tally.maxAttempt, delivery.deliveryCount);
      if (outcome.kind === 'retry') tally.add(tally.retries, outcome.error.code);
      await inner.settle(delivery, outcome);
    },
    release: (delivery) => inner.release(delivery),
    abandon: (delivery, delayMs) => inner.abandon(delivery, delayMs),
    waitForWork: (maxWaitMs, signal) => inner.waitForWork(maxWaitMs, signal),
    depth: () => inner.depth(),
  };
}
