/**
 * SIGKILL while several processor threads are busy: the real host as a child process with three
 * processor threads, each with events in flight at an external peer (which answers slowly, so
 * they stay in flight), is killed; it restarts on the same data folder and every accepted event
 * is processed, its side effect applied under one idempotency key, and its follow-up emitted once.
 *
 * The kill waits until the peer holds calls from at least two different threads at that moment,
 * so the crash really lands in the middle of concurrent settles on several connections: those
 * calls' events were leased by threads that died with them, and are redelivered after restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { DEFAULT_POLICIES, loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { freePort, pendingAfterProcessing, sendEvent, startHostProcess, type HostProcess } from '../helpers/local-host-process.js';
import { childCounts, childrenInDatabase } from '../helpers/sqlite-children.js';

const TOTAL = 1200;
const KILL_AFTER = 400;
const THREADS = 3;
const USER = 'thread-crasher';

const applied = new Map<string, number>(); // idempotency key -> attempts
const inFlight = new Map<string, number>(); // thread id -> calls the peer holds now
let onCall: () => void = () => undefined;
const peer = createServer((req, res) => {
  const key = req.headers['idempotency-key'];
  const thread = req.headers['x-thread-id'];
  if (typeof key !== 'string' || typeof thread !== 'string') return void res.writeHead(400).end();
  applied.set(key, (applied.get(key) ?? 0) + 1);
  inFlight.set(thread, (inFlight.get(thread) ?? 0) + 1);
  onCall();
  req.resume();
  // Slow enough that every thread keeps calls open here while the next ones are leased.
  setTimeout(() => {
    inFlight.set(thread, (inFlight.get(thread) ?? 1) - 1);
    res.writeHead(200).end('{}');
  }, 30);
});
const busyThreads = (): number => [...inFlight.values()].filter((n) => n > 0).length;

let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-threads-crash-'));
  await new Promise<void>((done) => peer.listen(0, '127.0.0.1', done));
});
afterAll(() => {
  peer.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const send = (host: HostProcess, token: string, id: string): Promise<boolean> => sendEvent(host, token, { id, type: 'crash.test', source: '/test/threads-crash' });

it('loses and duplicates nothing when the host is killed while several processor threads are busy', async () => {
  const address = peer.address();
  const peerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const configFile = join(dataDir, 'vextir.config.yaml');
  writeFileSync(configFile, JSON.stringify({ drivers: [{ module: resolve('test/fixtures/drivers/side-effect-driver.js'), options: { peerUrl } }] }));
  // One user sending a thousand events in seconds: the rate limits would throttle most of them.
  const policyFile = join(dataDir, 'policies.json');
  writeFileSync(policyFile, JSON.stringify({ policies: DEFAULT_POLICIES.filter((policy) => !policy.id.startsWith('rate-limit')) }));
  const env = { VEXTIR_CONFIG: configFile, VEXTIR_POLICY_FILE: policyFile, VEXTIR_PROCESSOR_THREADS: String(THREADS), VEXTIR_WORKER_CONCURRENCY: '16' };
  const port = await freePort();
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), USER);
  const ids = Array.from({ length: TOTAL }, (_, i) => `busy-${i}`);
  const accepted = new Set<string>();

  let host = await startHostProcess(dataDir, port, env);
  let busyAtKill = 0;
  let heldAtKill = 0;
  const killed = new Promise<void>((done) => {
    onCall = () => {
      if (busyThreads() < 2 || accepted.size < KILL_AFTER) return;
      busyAtKill = busyThreads();
      heldAtKill = [...inFlight.values()].reduce((sum, n) => sum + n, 0);
      onCall = () => undefined;
      host.child.kill('SIGKILL');
      done();
    };
  });
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < TOTAL && busyAtKill === 0) {
      const id = ids[next++]!;
      if (await send(host, token, id)) accepted.add(id);
    }
  };
  await Promise.all([...Array.from({ length: 16 }, sender), killed]);
  await host.exited;
  assert.ok(busyAtKill >= 2, `the kill found ${busyAtKill} threads busy`);
  const acceptedBeforeRestart = accepted.size;

  host = await startHostProcess(dataDir, port, env);
  try {
    for (const id of ids) if (!accepted.has(id) && (await send(host, token, id))) accepted.add(id);
    assert.equal(accepted.size, TOTAL, 'after the restart every event is accepted');

    const pending = await pendingAfterProcessing(host, token, accepted, 90000);
    assert.deepEqual(pending, [], 'every accepted event reaches processed');
  } finally {
    host.child.kill('SIGTERM');
    assert.equal(await host.exited, 0, 'graceful shutdown exits 0');
  }

  // One stable idempotency key per event, so the peer applied each side effect once.
  const keysByEvent = new Map<string, number>();
  for (const key of applied.keys()) {
    const eventId = key.split(':')[1]!;
    keysByEvent.set(eventId, (keysByEvent.get(eventId) ?? 0) + 1);
  }
  assert.equal(keysByEvent.size, TOTAL, 'every event reached the external system');
  assert.deepEqual([...keysByEvent].filter(([, keys]) => keys !== 1), [], 'one idempotency key per event');
  const retried = [...applied.values()].filter((attempts) => attempts > 1).length;
  assert.ok(retried >= 1, 'the calls in flight at the kill were made again after the restart, under the same key');

  const children = childrenInDatabase(join(dataDir, 'vextir.db'));
  const wrong = ids.map((id) => ({ id, children: childCounts(children, USER, id) })).filter(({ children: c }) => c['crash.done'] !== 1 || Object.keys(c).length !== 1);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${TOTAL} parents do not have exactly one crash.done`);
  assert.equal(children.size, TOTAL, 'no other event has children');
  process.stdout.write(`# threads crash test: killed with ${busyAtKill} of ${THREADS} threads busy (${heldAtKill} calls in flight), ${acceptedBeforeRestart} accepted before; ${retried} side effects attempted again after the restart\n`);
});
