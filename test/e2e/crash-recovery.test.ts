/**
 * The reliability scenario, from the outside: the real host as a child process gets
 * 2,000 events, is killed with SIGKILL mid-stream, restarts on the same data folder, and every
 * accepted event is processed once. The "external system" is an HTTP peer in this test that
 * applies each idempotency key once and counts every attempt.
 *
 * A SIGKILL alone never makes a parent commit twice here (emit, record and acknowledge are one
 * SQLite transaction), so nothing in it would notice child ids that change between runs. The
 * peer therefore refuses the first attempt of every 10th event: that parent's retry is committed
 * (with the notification a policy emits for it) and the parent runs again. Afterwards every
 * parent must have exactly one child of each kind, counted in the database file itself.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { DEFAULT_POLICIES, signDevToken, loadOrCreateDevSecret } from '../../src/security/index.js';
import { freePort, pendingAfterProcessing, sendEvent, startHostProcess, type HostProcess } from '../helpers/local-host-process.js';
import { childCounts, childrenInDatabase } from '../helpers/sqlite-children.js';

const TOTAL = 2000;
const KILL_AFTER = 700;
const REFUSE_EVERY = 10;
const USER = 'crash-tester';

const applied = new Map<string, number>(); // idempotency key -> attempts
const refused = new Set<string>(); // keys whose first attempt the peer refused
const peer = createServer((req, res) => {
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string') return void res.writeHead(400).end();
  applied.set(key, (applied.get(key) ?? 0) + 1);
  req.resume();
  // `user:crash-<n>:driver`: briefly unavailable for every 10th event, a retryable failure.
  const n = Number(key.split(':')[1]?.split('-')[1]);
  if (n % REFUSE_EVERY === 0 && !refused.has(key)) {
    refused.add(key);
    return void res.writeHead(503).end();
  }
  res.writeHead(200).end('{}');
});

let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-crash-'));
  await new Promise<void>((done) => peer.listen(0, '127.0.0.1', done));
});
afterAll(() => {
  peer.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const send = (host: HostProcess, token: string, id: string): Promise<boolean> => sendEvent(host, token, { id, type: 'crash.test', source: '/test/crash' });

it('loses no accepted event and duplicates no side effect across a SIGKILL', async () => {
  const address = peer.address();
  const peerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const configFile = join(dataDir, 'vextir.config.yaml');
  writeFileSync(configFile, JSON.stringify({ drivers: [{ module: resolve('test/fixtures/drivers/side-effect-driver.js'), options: { peerUrl } }] }));
  // One user sends 2,000 events in seconds: far above the default per-minute rate limit, which
  // would delay most of them to later minutes (a throttle) and is not what this test is about
  // (test/e2e/throttle.test.ts is). Every other default policy stays in force, plus one that notifies:
  // its `policy.notify` is emitted again on every run of a parent, deduplicated only by its id.
  const policyFile = join(dataDir, 'policies.json');
  const notify = { id: 'tell-me', name: 'Tell me', condition: "event.type == 'crash.test'", action: 'notify' };
  writeFileSync(policyFile, JSON.stringify({ policies: [...DEFAULT_POLICIES.filter((policy) => !policy.id.startsWith('rate-limit')), notify] }));
  // Processed by two processor threads (the default is a thread per core but one; two here on any machine).
  const env = { VEXTIR_CONFIG: configFile, VEXTIR_RETRY_BASE_MS: '50', VEXTIR_POLICY_FILE: policyFile, VEXTIR_PROCESSOR_THREADS: '2' };
  const port = await freePort();
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), USER);
  const ids = Array.from({ length: TOTAL }, (_, i) => `crash-${i}`);
  const accepted = new Set<string>();

  let host = await startHostProcess(dataDir, port, env);
  let next = 0;
  let killed = false;
  const sender = async (): Promise<void> => {
    while (next < TOTAL) {
      const id = ids[next++]!;
      if (await send(host, token, id)) accepted.add(id);
      if (!killed && accepted.size >= KILL_AFTER) {
        killed = true;
        host.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, sender));
  await host.exited;
  const acceptedBeforeRestart = accepted.size;

  host = await startHostProcess(dataDir, port, env);
  try {
    // A real client retries what it could not get acknowledged, with the same ids.
    for (const id of ids) if (!accepted.has(id) && (await send(host, token, id))) accepted.add(id);
    assert.equal(accepted.size, TOTAL, 'after the restart every event is accepted');

    const pending = await pendingAfterProcessing(host, token, accepted, 60000);
    assert.deepEqual(pending, [], 'every accepted event reaches processed');

    // Exactly one stable idempotency key per event: a redelivery reuses it, so the peer applies once.
    const keysByEvent = new Map<string, number>();
    for (const key of applied.keys()) {
      const eventId = key.split(':')[1]!;
      keysByEvent.set(eventId, (keysByEvent.get(eventId) ?? 0) + 1);
    }
    assert.equal(keysByEvent.size, TOTAL, 'every event reached the external system');
    assert.ok([...keysByEvent.values()].every((count) => count === 1), 'one idempotency key per event');
    const attempts = [...applied.values()].reduce((sum, n) => sum + n, 0);
    assert.ok(attempts >= TOTAL);

    // Each event emitted exactly one follow-up, recorded once.
    const sample = await fetch(`${host.url}/api/events?type=crash.done&limit=500`, { headers: { authorization: `Bearer ${token}` } });
    const { events } = (await sample.json()) as { events: Array<{ id: string }> };
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    process.stdout.write(
      `# crash test: ${acceptedBeforeRestart} accepted before SIGKILL, ${TOTAL} after restart; ${attempts} side-effect attempts for ${TOTAL} events (${attempts - TOTAL} redelivered)\n`,
    );
  } finally {
    host.child.kill('SIGTERM');
    assert.equal(await host.exited, 0, 'graceful shutdown exits 0');
  }

  // Every parent, not a sample: read from the file once the host is gone, so nothing is in flight.
  assert.equal(refused.size, TOTAL / REFUSE_EVERY, 'every 10th event was refused once, then retried');
  const children = childrenInDatabase(join(dataDir, 'vextir.db'));
  const wrong = ids.map((id) => ({ id, children: childCounts(children, USER, id) })).filter(({ children: c }) => c['crash.done'] !== 1 || c['policy.notify'] !== 1 || Object.keys(c).length !== 2);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${TOTAL} parents do not have exactly one crash.done and one policy.notify`);
  assert.equal(children.size, TOTAL, 'no other event has children');
});
