/**
 * The Azure path end to end, with real SDKs against real protocol peers started here:
 * HTTP handler -> Service Bus sender -> AMQP test broker -> UniversalEventProcessor handler ->
 * driver -> follow-up event on the bus, records and audit in Cosmos (protocol server).
 * A peek-lock receiver plays the Functions host (test/helpers/function-app.ts): it completes the
 * message when the handler returns and abandons it when it throws.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import functions from '@azure/functions';
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { AmqpBroker } from '../helpers/amqp-broker/index.js';
import { QUEUE, startFunctionApp, type FunctionApp } from '../helpers/function-app.js';

const { HttpRequest, InvocationContext } = functions;

let app: FunctionApp;
let broker: AmqpBroker;
let serviceBus: ServiceBusClient;
let receiver: ServiceBusReceiver;
let http: FunctionApp['http'];
let post: FunctionApp['post'];
let invoke: FunctionApp['invoke'];
const tokenFor = (user: string) => app.token(user);

beforeAll(async () => {
  app = await startFunctionApp({ lockMs: 5_000, drivers: [{ module: resolve('test/fixtures/drivers/flaky-driver.js') }] });
  ({ broker, serviceBus, receiver, http, post, invoke } = app);
});

afterAll(() => app.close());

/** Plays the Functions host until the queue is empty: handler returns -> complete, throws -> abandon. */
async function drain(timeoutMs = 15_000): Promise<ServiceBusReceivedMessage[]> {
  const handled: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const messages = await receiver.receiveMessages(20, { maxWaitTimeInMs: 300 });
    if (messages.length === 0 && broker.queueDepth(QUEUE) === 0) return handled;
    for (const message of messages) {
      try {
        await invoke(message);
        await receiver.completeMessage(message);
      } catch {
        await receiver.abandonMessage(message);
      }
      handled.push(message);
    }
  }
  throw new Error(`the queue was not drained within ${timeoutMs} ms (depth ${broker.queueDepth(QUEUE)})`);
}

interface RecordBody {
  status: string;
  children: string[];
  drivers: Array<{ driver: string; attempt: number; status: string }>;
  audit: unknown[];
}

async function record(id: string, token: string): Promise<RecordBody> {
  const response = await http(
    new HttpRequest({ method: 'GET', url: `https://func.example/api/events/${id}`, headers: { authorization: `Bearer ${token}` } }),
    new InvocationContext({ functionName: 'api' }),
  );
  assert.equal(response.status, 200, `GET /api/events/${id}`);
  return JSON.parse(typeof response.body === 'string' ? response.body : '') as RecordBody;
}

describe('Azure: HTTP -> Service Bus -> UniversalEventProcessor -> Cosmos', () => {
  it('processes an event sent over HTTP, emits the follow-up on the bus, and records both in Cosmos', async () => {
    const token = await tokenFor('alice');
    const accepted = await post({ specversion: '1.0', id: 'az1', source: '/test', type: 'demo.ping', data: { n: 1 } }, token);
    assert.equal(accepted.status, 202);
    const handled = await drain();
    assert.deepEqual(handled.map((message) => message.subject), ['demo.ping', 'demo.pong']);
    const parent = await record('az1', token);
    assert.equal(parent.status, 'processed');
    assert.equal(parent.children.length, 1);
    const child = await record(parent.children[0]!, token);
    assert.equal(child.status, 'processed');
  });

  it('a redelivered message produces no duplicate records or events', async () => {
    const token = await tokenFor('alice');
    await post({ specversion: '1.0', id: 'az2', source: '/test', type: 'demo.ping' }, token);
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    assert.ok(first);
    await invoke(first);
    // The host "crashes" before completing: the message comes back after its lock expires.
    // Simulate the redelivery by handing the same message to the handler again.
    await invoke(first);
    await receiver.completeMessage(first);
    const handled = await drain();
    assert.equal(handled.length, 1, 'the re-emitted follow-up was dropped by duplicate detection');
    const parent = await record('az2', token);
    assert.equal(parent.audit.length, 1, 'one decision recorded');
    assert.equal(parent.children.length, 1);
  });

  it('retries with backoff through a scheduled copy carrying the next attempt', async () => {
    const token = await tokenFor('bob');
    await post({ specversion: '1.0', id: 'az3', source: '/test', type: 'flaky.run' }, token);
    const handled = await drain();
    assert.deepEqual(handled.map((message) => message.subject), ['flaky.run', 'flaky.run', 'flaky.done']);
    assert.equal(handled[1]?.applicationProperties?.['vextirAttempt'], 2);
    const parent = await record('az3', token);
    assert.equal(parent.status, 'processed');
    assert.deepEqual(parent.drivers.map((run) => `${run.driver}:${run.status}@${run.attempt}`), ['flaky:failed@1', 'flaky:succeeded@2']);
  });

  it('processes an event published straight to the queue by any Service Bus client, as if sent over HTTP', async () => {
    const token = await tokenFor('carol');
    const sender = serviceBus.createSender(QUEUE);
    const event = {
      specversion: '1.0', id: 'direct-1', source: '/billing', type: 'demo.ping', time: new Date().toISOString(),
      userid: 'carol', category: 'input', correlationid: 'direct-1', depth: 0, data: { from: 'a plain SDK client' },
    };
    // The shape the README documents: JSON CloudEvent body, messageId, subject, correlationId.
    await sender.sendMessages({ body: JSON.stringify(event), contentType: 'application/cloudevents+json', messageId: 'direct-1', subject: 'demo.ping', correlationId: 'direct-1' });
    await sender.close();
    await drain();
    const parent = await record('direct-1', token);
    assert.equal(parent.status, 'processed');
    assert.equal((await record(parent.children[0]!, token)).status, 'processed');
  });

  it("keeps one user's events out of another's reach", async () => {
    const mallory = await tokenFor('mallory');
    const response = await http(
      new HttpRequest({ method: 'GET', url: 'https://func.example/api/events/az1', headers: { authorization: `Bearer ${mallory}` } }),
      new InvocationContext({ functionName: 'api' }),
    );
    assert.equal(response.status, 404);
  });

  it('dead-letters a message that is not an event, after the queue gives up on it', async () => {
    broker.configureQueue('poison', { maxDeliveryCount: 3 });
    const sender = serviceBus.createSender('poison');
    await sender.sendMessages({ body: { hello: 'world' }, messageId: 'p1' });
    await sender.close();
    const poisonReceiver = serviceBus.createReceiver('poison');
    for (let i = 0; i < 3; i += 1) {
      const [message] = await poisonReceiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      assert.ok(message);
      await assert.rejects(invoke(message));
      await poisonReceiver.abandonMessage(message);
    }
    await poisonReceiver.close();
    const deadline = Date.now() + 5000;
    while (broker.deadLetters('poison').length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    assert.equal(broker.deadLetters('poison')[0]?.messageId, 'p1');
  });

  // The Function App runs on Azure's Node (infra/main.bicep), while the package's node_modules may
  // have been installed on another (a Node 20 machine): better-sqlite3's addon, compiled for one
  // Node ABI only, must then never be loaded on the Azure path. (vitest runs each file in a
  // process of its own, so nothing else here could have loaded it.)
  it('never loads the SQLite addon, which is built for one Node version only', () => {
    const report = process.report.getReport() as { sharedObjects: string[] };
    assert.deepEqual(report.sharedObjects.filter((file) => file.endsWith('better_sqlite3.node')), []);
  });
});
