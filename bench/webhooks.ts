/**
 * Webhook deliveries per second to a local receiver (bench/webhook-receiver.ts, its own process).
 *
 * - Through Vextir: the embedded system (`startLocal`, SQLite, HTTP, the default policies) in
 *   this process; `notification.send` events are POSTed in batches of 100 over HTTP, and each is
 *   authorized (PII scan included), delivered by the notifications driver (a signed POST with
 *   its idempotency key, the delivery log written to the store before and after) and answered
 *   with `notification.delivered`. Measured from the first POST until every event's answer is
 *   committed (the queue is empty) and the receiver counted every POST.
 * - Baseline, in the same run: the same number of POSTs of the same body with plain `fetch`,
 *   as many in flight as the driver allows (64).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startLocal } from '../src/hosts/embedded/index.js';
import { createLogger } from '../src/logging.js';
import { loadOrCreateDevSecret, signDevToken } from '../src/security/index.js';
import { benchModule, CHILD_EXEC_ARGV } from './modules.js';
import { row, runPool, type BenchRow } from './stats.js';

const DELIVERIES = 4000;
const WARMUP = 400;
const BATCH = 100;
/** Sends per user: a send and its answer are two events, under the default 600 a minute per user. */
const PER_USER = 200;
const IN_FLIGHT = 64;
const NOTIFICATION = { channel: 'bench', title: 'Build 1234 passed', text: 'All 812 tests passed on main in 3m12s.' };

interface Receiver {
  url: string;
  count(): Promise<number>;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const child: ChildProcess = fork(benchModule('webhook-receiver'), [], { execArgv: [...CHILD_EXEC_ARGV], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return {
    url: message.url,
    async count() {
      child.send({ count: true });
      const [answer] = (await once(child, 'message')) as [{ count: number }];
      return answer.count;
    },
    async close() {
      const exited = once(child, 'exit');
      child.disconnect();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The baseline: `count` plain POSTs of a body like the driver's, IN_FLIGHT at a time; deliveries per second. */
async function plainFetch(url: string, count: number): Promise<number> {
  const body = JSON.stringify({ id: 'e', type: 'notification', ...NOTIFICATION, time: new Date().toISOString() });
  const started = performance.now();
  await runPool(count, IN_FLIGHT, async (i) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'vextir-idempotency-key': `k${i}` }, body });
    if (response.status !== 200) throw new Error(`the receiver answered ${response.status}`);
    await response.arrayBuffer();
  });
  return count / ((performance.now() - started) / 1000);
}

export async function runWebhooksBench(log: (line: string) => void): Promise<BenchRow[]> {
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-bench-webhooks-'));
  try {
    log(`webhooks: ${DELIVERIES} POSTs with plain fetch, ${IN_FLIGHT} in flight`);
    await plainFetch(`${receiver.url}/bench`, WARMUP);
    const baseline = await plainFetch(`${receiver.url}/bench`, DELIVERIES);

    const configFile = join(dataDir, 'vextir.config.json');
    writeFileSync(configFile, JSON.stringify({ notifications: { channels: [{ id: 'bench', url: `${receiver.url}/bench`, format: 'json', secretSetting: 'BENCH_WEBHOOK_SECRET' }] } }));
    const config = loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', LOG_LEVEL: 'warn', BENCH_WEBHOOK_SECRET: 'whsec-bench' });
    const host = await startLocal(config, createLogger({ level: 'warn', format: 'json' }, { service: 'bench' }));
    try {
      const secret = loadOrCreateDevSecret(dataDir);
      let user = 0;
      const viaVextir = async (count: number): Promise<number> => {
        const before = await receiver.count();
        const started = performance.now();
        for (let sent = 0; sent < count; sent += BATCH) {
          if (sent % PER_USER === 0) user += 1;
          const token = await signDevToken(secret, `bench-${user}`);
          const batch = Array.from({ length: Math.min(BATCH, count - sent) }, (_, i) => ({ specversion: '1.0', id: `n-${user}-${sent + i}`, source: '/bench', type: 'notification.send', data: NOTIFICATION }));
          const response = await fetch(`${host.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(batch) });
          if (response.status !== 202) throw new Error(`POST /api/events answered ${response.status}: ${await response.text()}`);
        }
        // Done when the queue is empty (every send and its answer committed) and every POST arrived.
        for (;;) {
          if ((await host.system.storage.queue.depth()) === 0 && (await receiver.count()) - before >= count) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const delivered = (await receiver.count()) - before;
        if (delivered !== count) throw new Error(`${delivered} POSTs for ${count} notifications`);
        return count / ((performance.now() - started) / 1000);
      };
      log(`webhooks: ${DELIVERIES} notification.send through Vextir (embedded, HTTP in, signed POSTs)`);
      await viaVextir(WARMUP);
      const ours = await viaVextir(DELIVERIES);
      return [
        row({
          bench: 'webhooks',
          name: 'webhook deliveries per second (notification.send -> signed POST -> notification.delivered)',
          value: ours,
          unit: 'deliveries/s',
          baseline: { name: `same POSTs, plain fetch, ${IN_FLIGHT} in flight`, value: baseline, unit: 'POSTs/s' },
          note: `${DELIVERIES} notifications in batches of ${BATCH} over HTTP, default policies; each: authorized, delivery log read and written twice, POST signed (HMAC-SHA256), answer recorded and audited; receiver in its own process`,
        }),
      ];
    } finally {
      await host.stop();
    }
  } finally {
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
