/**
 * Effectively-once on the Azure path, with the real clock: the UniversalEventProcessor handler
 * (send outputs -> append audit -> write the record -> return, then the host settles) crashes
 * after the outputs were sent and before the record was written, and the message is delivered
 * again. The redelivery finds no record of the first run, so it runs the drivers again and sends
 * their outputs again; only deterministic child ids, dropped by Service Bus duplicate detection
 * on `messageId`, keep a second child from appearing. Real SDKs against the AMQP test broker
 * (which implements that duplicate detection) and the Cosmos protocol server.
 *
 * The crash is a failed write of the parent's record (a Cosmos SDK plugin refuses it once). The
 * host then either abandons the message (what the Functions host does when the handler throws)
 * or dies without settling it (the lock expires and the broker delivers it again).
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { OperationType, ResourceType, type CosmosClientOptions, type PluginConfig } from '@azure/cosmos';
import { DEFAULT_POLICIES } from '../../src/security/index.js';
import { DATABASE, QUEUE, startFunctionApp, type FunctionApp } from '../helpers/function-app.js';

const PARENTS = 4;
const LOCK_MS = 1_500;

/**
 * Refuses the first write of an armed event's record, as if the host died right there. A plugin
 * on the SDK's operations: the protocol server cannot be told to fail one write.
 */
class RecordWriteCrash {
  readonly #armed = new Set<string>();
  crashes = 0;
  arm(userId: string, eventId: string): void {
    this.#armed.add(`${userId}\n${eventId}`);
  }
  readonly plugin: PluginConfig = {
    on: 'operation',
    plugin: async (context, _diagnostics, next) => {
      const body = context.body as { id?: unknown; userId?: unknown } | undefined;
      const key = `${String(body?.userId)}\n${String(body?.id)}`;
      const write = [OperationType.Create, OperationType.Upsert, OperationType.Replace].includes(context.operationType as OperationType);
      if (write && context.resourceType === ResourceType.item && this.#armed.delete(key)) {
        this.crashes += 1;
        throw new Error(`simulated crash before writing the record of ${String(body?.id)}`);
      }
      return next(context);
    },
  };
}

const crash = new RecordWriteCrash();
let app: FunctionApp;

beforeAll(async () => {
  // A notifying policy gives every parent a child the kernel emits, besides the drivers' ones.
  const notify = { id: 'tell-me', name: 'Tell me', condition: "event.type in ['demo.ping', 'flaky.run']", action: 'notify' };
  app = await startFunctionApp({
    lockMs: LOCK_MS,
    drivers: [
      { module: resolve('test/fixtures/drivers/flaky-driver.js') },
      { module: resolve('test/fixtures/drivers/probe-driver.js'), options: { id: 'sibling', capabilities: ['flaky.run'], external: false } },
    ],
    policies: [...DEFAULT_POLICIES, notify],
    // No automatic lock renewal: a message the "dead" host holds must come back when its lock expires.
    renewLocks: false,
    cosmosOptions: { plugins: [crash.plugin] } as Partial<CosmosClientOptions> & { plugins: PluginConfig[] },
  });
});

afterAll(() => app.close());

/**
 * Plays the Functions host until the queue is empty: the handler returns -> complete. It throws
 * -> abandon, or, with `onCrash: 'die'`, nothing: the host is gone and the lock runs out.
 * Returns how many times each event was handed to the handler.
 */
async function drain(onCrash: 'abandon' | 'die'): Promise<Map<string, number>> {
  const deliveries = new Map<string, number>();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [message] = await app.receiver.receiveMessages(1, { maxWaitTimeInMs: 200 });
    if (!message) {
      if (app.broker.queueDepth(QUEUE) === 0) return deliveries;
      continue;
    }
    const eventId = String(message.applicationProperties?.['eventId']);
    deliveries.set(eventId, (deliveries.get(eventId) ?? 0) + 1);
    try {
      await app.invoke(message);
    } catch {
      if (onCrash === 'abandon') await app.receiver.abandonMessage(message);
      continue;
    }
    await app.receiver.completeMessage(message);
  }
  throw new Error(`the queue was not drained within 30 s (depth ${app.broker.queueDepth(QUEUE)})`);
}

async function send(user: string, id: string, type: string): Promise<void> {
  const response = await app.post({ specversion: '1.0', id, source: '/test/once', type }, await app.token(user));
  assert.equal(response.status, 202);
  // Armed after ingest, so the crash hits the processor's write, not the ingest's `accepted` record.
  crash.arm(user, id);
}

interface ChildRecord {
  userId: string;
  id: string;
  type: string;
  parent: string;
}

/** Every record in the events container, of every user, that has a parent. */
async function childrenInCosmos(): Promise<ChildRecord[]> {
  const query = 'SELECT c.userId, c.id, c.type, c.event.causationid AS parent FROM c WHERE IS_DEFINED(c.event.causationid)';
  const container = app.cosmos.client().database(DATABASE).container('events');
  return (await container.items.query<ChildRecord>(query).fetchAll()).resources;
}

function countsOf(children: readonly ChildRecord[], userId: string, parent: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const child of children) if (child.userId === userId && child.parent === parent) counts[child.type] = (counts[child.type] ?? 0) + 1;
  return counts;
}

describe('effectively-once on Service Bus: a crash after the outputs were sent, before the record', () => {
  const scenarios = [
    { name: 'the host abandons the message (the handler threw)', user: 'ann', type: 'demo.ping', onCrash: 'abandon', expected: { 'demo.pong': 1, 'policy.notify': 1 } },
    { name: 'the host dies and the lock expires', user: 'bea', type: 'demo.ping', onCrash: 'die', expected: { 'demo.pong': 1, 'policy.notify': 1 } },
    // Attempt 1 is a retry: the sibling's output is sent, then the (accepted) record write crashes.
    { name: 'a retry: the crash follows a sibling driver\'s output', user: 'cid', type: 'flaky.run', onCrash: 'abandon', expected: { 'flaky.done': 1, 'policy.notify': 1, 'probe.saw': 1 } },
  ] as const;

  for (const scenario of scenarios) {
    it(`${scenario.name}: the redelivery runs again and every parent still has one child of each kind`, async () => {
      const ids = Array.from({ length: PARENTS }, (_, i) => `${scenario.user}-${i}`);
      const crashesBefore = crash.crashes;
      for (const id of ids) await send(scenario.user, id, scenario.type);
      const deliveries = await drain(scenario.onCrash);
      assert.equal(crash.crashes - crashesBefore, PARENTS, 'each parent crashed once');
      for (const id of ids) assert.ok((deliveries.get(id) ?? 0) >= 2, `${id} was delivered again after its crash`);
      assert.deepEqual(app.broker.deadLetters(QUEUE), []);

      const children = await childrenInCosmos();
      for (const id of ids) assert.deepEqual(countsOf(children, scenario.user, id), scenario.expected, `children of ${id}`);
      // The children sent again by the redelivery were dropped by duplicate detection, not run twice.
      for (const child of children.filter((c) => c.userId === scenario.user)) assert.equal(deliveries.get(child.id), 1, `deliveries of ${child.type} ${child.id}`);
    });
  }
});
