/**
 * `vextir worker` from the outside: the real CLI as a child process with VEXTIR_MODE=azure,
 * processing a Service Bus queue (the AMQP test broker, through the real SDK) into Cosmos DB
 * (the protocol server over HTTPS, through the real SDK with its default options), then stopping
 * cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ServiceBusClient } from '@azure/service-bus';
import { ServiceBusEventBus, openCosmosStore, type CosmosStore } from '../../src/adapters/azure/index.js';
import { startAmqpBroker, type AmqpBroker } from '../helpers/amqp-broker/index.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

const sample = (await import('../../local.settings.sample.json', { with: { type: 'json' } })).default as { Values: Record<string, string> };

let broker: AmqpBroker;
let cosmos: CosmosTestServer;
let serviceBus: ServiceBusClient;
let stores: CosmosStore;
let worker: ChildProcess;
let output = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  broker = await startAmqpBroker({ lockDurationMs: 5_000 });
  cosmos = await startCosmosServer({ https: true });
  serviceBus = new ServiceBusClient(broker.connectionString);
  const { ServiceBusConnection__fullyQualifiedNamespace: _namespace, ...values } = sample.Values;
  worker = spawn(process.execPath, [...vextirEntry(), 'worker'], {
    env: {
      ...process.env,
      ...values,
      VEXTIR_CONFIG: 'no-project-file.yaml',
      ServiceBusConnection: broker.connectionString,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      // Only for this child: the protocol server's certificate is self-signed.
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
  await until(() => output.includes('Vextir OS worker is running'), () => `the worker did not start:\n${output}`);
  // The worker created the database and containers; read them with a client of our own.
  const client = cosmos.client({ agent: new Agent({ rejectUnauthorized: false }) });
  stores = await openCosmosStore({ client, databaseId: 'vextir', createIfNotExists: false });
});

afterAll(async () => {
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await serviceBus.close();
  await broker.close();
  await cosmos.close();
});

async function until(done: () => boolean | Promise<boolean>, failure: () => string, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await done())) {
    if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('vextir worker', () => {
  it('processes events from the queue: the ping driver answers, records and children land in Cosmos', async () => {
    const bus = new ServiceBusEventBus(serviceBus, 'events');
    const ping = makeEvent({ id: 'w-ping-1', userid: 'alice', type: 'demo.ping', data: { n: 1 } });
    await bus.publish([ping]);
    await bus.close();
    await until(
      async () => (await stores.store.get('alice', ping.id))?.status === 'processed',
      () => `the ping was not processed:\n${output}`,
    );
    const record = await stores.store.get('alice', ping.id);
    assert.equal(record?.children.length, 1);
    const [childId] = record?.children ?? [];
    await until(
      async () => (await stores.store.get('alice', childId ?? ''))?.status === 'processed',
      () => `the pong was not processed:\n${output}`,
    );
    assert.equal((await stores.store.get('alice', childId ?? ''))?.event.type, 'demo.pong');
    // On Azure the message is settled after the record is written: wait for the settle, briefly.
    for (let i = 0; i < 100 && broker.queueDepth('events') !== 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(broker.queueDepth('events'), 0);
  });

  it('stops on SIGTERM: finishes, closes its clients and exits 0', async () => {
    worker.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.match(output, /"msg":"stopped"/);
  });

  it('refuses to run without VEXTIR_MODE=azure, saying what it needs', async () => {
    const child = spawn(process.execPath, [...vextirEntry(), 'worker'], {
      env: { ...process.env, VEXTIR_MODE: 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    assert.match(stderr, /VEXTIR_MODE=azure/);
  });
});
