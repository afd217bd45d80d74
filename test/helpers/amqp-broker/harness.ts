/** Test glue for the Service Bus adapters: the contract suites want one object for both ports. */
import type { EventBus, QueueConsumer } from '../../../src/kernel/index.js';

export function combineQueue(bus: EventBus, consumer: QueueConsumer): EventBus & QueueConsumer {
  return {
    publish: (events, options) => bus.publish(events, options),
    receive: (max) => consumer.receive(max),
    settle: (delivery, outcome) => consumer.settle(delivery, outcome),
    release: (delivery) => consumer.release(delivery),
    abandon: (delivery, delayMs) => consumer.abandon(delivery, delayMs),
    waitForWork: (maxWaitMs, signal) => consumer.waitForWork(maxWaitMs, signal),
    depth: () => consumer.depth(),
  };
}
