/**
 * Service Bus adapters against the in-process AMQP test broker: send throughput (publish calls
 * of 100 events) and receive + complete throughput (receive 100, settle them concurrently),
 * each through the adapter and through the raw SDK making the same calls on the same broker.
 * The ratio adapter/raw is the adapter's overhead (target: >= 0.9); the absolute numbers are the
 * broker's and this machine's, not Service Bus's (a real namespace adds network round trips).
 *
 * The two sides run interleaved step by step (one batch each, alternating which goes first), on
 * their own queues, so that GC, JIT and the shared broker weigh on both alike.
 */
import { ServiceBusClient, type ServiceBusMessage } from '@azure/service-bus';
import { ServiceBusEventBus } from '../src/adapters/azure/service-bus-bus.js';
import { ServiceBusQueueConsumer } from '../src/adapters/azure/service-bus-consumer.js';
import { MemoryAuditLog, MemoryEventStore } from '../src/adapters/memory/index.js';
import type { Envelope } from '../src/kernel/index.js';
import { startAmqpBroker } from '../test/helpers/amqp-broker/index.js';
import type { AdapterBenchRow } from './stats.js';

export type ServiceBusBenchRow = AdapterBenchRow;

const SEND_EVENTS = 20_000;
const RECEIVE_EVENTS = 10_000;
const WARMUP_EVENTS = 2000;
const BATCH = 100;
const TARGET_RATIO = 0.9;

function envelopes(prefix: string, count: number): Envelope[] {
  return Array.from({ length: count }, (_, i) => ({
    specversion: '1.0',
    id: `${prefix}-${i}`,
    type: 'bench.ping',
    source: '/bench',
    time: new Date().toISOString(),
    userid: 'bench',
    category: 'input',
    correlationid: `${prefix}-${i}`,
    depth: 0,
    data: { i, text: 'a small payload of about a hundred bytes, as a typical event carries in its data' },
  }));
}

/**
 * What a hand-written producer would send for the same event: the same fields, so that both sides
 * put the same bytes on the wire; only the id is not hashed into a delivery key.
 */
function rawMessage(event: Envelope): ServiceBusMessage {
  return {
    body: event,
    contentType: 'application/cloudevents+json',
    messageId: `${event.userid}/${event.id}`,
    subject: event.type,
    correlationId: event.correlationid,
    applicationProperties: { userid: event.userid, eventId: event.id },
  };
}

/** One step of each side per iteration, alternating the order; returns each side's total ms. */
async function interleave(steps: number, raw: (step: number) => Promise<void>, adapter: (step: number) => Promise<void>): Promise<{ raw: number; adapter: number }> {
  const total = { raw: 0, adapter: 0 };
  for (let step = 0; step < steps; step += 1) {
    for (const side of step % 2 === 0 ? (['raw', 'adapter'] as const) : (['adapter', 'raw'] as const)) {
      const started = performance.now();
      await (side === 'raw' ? raw(step) : adapter(step));
      total[side] += performance.now() - started;
    }
  }
  return total;
}

export async function runServiceBusBench(log: (line: string) => void = () => undefined): Promise<ServiceBusBenchRow[]> {
  const broker = await startAmqpBroker({ lockDurationMs: 60_000, duplicateDetection: true });
  const client = new ServiceBusClient(broker.connectionString);
  const rawSender = client.createSender('bench-raw');
  const rawReceiver = client.createReceiver('bench-raw', { maxAutoLockRenewalDurationInMs: 0 });
  const bus = new ServiceBusEventBus(client, 'bench-adapter');
  const consumer = new ServiceBusQueueConsumer(client, 'bench-adapter', {
    targets: { bus, store: new MemoryEventStore(), audit: new MemoryAuditLog() },
    receiveWaitMs: 1000,
  });

  const sendRaw = async (events: Envelope[]): Promise<void> => {
    let batch = await rawSender.createMessageBatch();
    for (const event of events) {
      const message = rawMessage(event);
      if (batch.tryAddMessage(message)) continue;
      await rawSender.sendMessages(batch);
      batch = await rawSender.createMessageBatch();
      batch.tryAddMessage(message);
    }
    await rawSender.sendMessages(batch);
  };
  const receiveRaw = async (): Promise<void> => {
    const messages = await rawReceiver.receiveMessages(BATCH, { maxWaitTimeInMs: 1000 });
    await Promise.all(messages.map((message) => rawReceiver.completeMessage(message)));
  };
  const receiveAdapter = async (): Promise<void> => {
    const deliveries = await consumer.receive(BATCH);
    await Promise.all(deliveries.map((delivery) => consumer.settle(delivery, { kind: 'skip', reason: 'bench' })));
  };

  try {
    // Warm-up: links, CBS, JIT on both paths; then the measured sends fill the queues the receives drain.
    for (const [prefix, count] of [['warm', WARMUP_EVENTS], ['run', SEND_EVENTS]] as const) {
      const raw = envelopes(`raw-${prefix}`, count);
      const adapted = envelopes(`adapter-${prefix}`, count);
      const send = await interleave(count / BATCH, (s) => sendRaw(raw.slice(s * BATCH, (s + 1) * BATCH)), (s) => bus.publish(adapted.slice(s * BATCH, (s + 1) * BATCH)));
      const receiveCount = prefix === 'warm' ? count : RECEIVE_EVENTS;
      const receive = await interleave(receiveCount / BATCH, receiveRaw, receiveAdapter);
      if (prefix === 'warm') continue;
      const rate = (events: number, ms: number): number => events / (ms / 1000);
      const sendRates = { raw: rate(count, send.raw), adapter: rate(count, send.adapter) };
      const receiveRates = { raw: rate(receiveCount, receive.raw), adapter: rate(receiveCount, receive.adapter) };
      log(`service-bus: send raw ${sendRates.raw.toFixed(0)} adapter ${sendRates.adapter.toFixed(0)}; receive raw ${receiveRates.raw.toFixed(0)} adapter ${receiveRates.adapter.toFixed(0)} events/s`);
      const note = (adapter: number, raw: number, events: number): string =>
        `adapter/raw ${(adapter / raw).toFixed(2)} (target >= ${TARGET_RATIO}); ${events} events per side, interleaved batch by batch; in-process AMQP test broker`;
      return [
        { name: 'send, raw SDK (batches of 100)', value: sendRates.raw, unit: 'events/s' },
        { name: 'send, ServiceBusEventBus (publish 100)', value: sendRates.adapter, unit: 'events/s', baseline: sendRates.raw, note: note(sendRates.adapter, sendRates.raw, count) },
        { name: 'receive + complete, raw SDK (100 at a time)', value: receiveRates.raw, unit: 'events/s' },
        {
          name: 'receive + settle, ServiceBusQueueConsumer (100 at a time)',
          value: receiveRates.adapter,
          unit: 'events/s',
          baseline: receiveRates.raw,
          note: note(receiveRates.adapter, receiveRates.raw, receiveCount),
        },
      ];
    }
    throw new Error('unreachable: the measured round returns');
  } finally {
    await Promise.all([rawSender.close(), rawReceiver.close(), bus.close(), consumer.close()]);
    await client.close();
    await broker.close();
  }
}
