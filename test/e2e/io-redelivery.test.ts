/**
 * A side effect is applied once even when its event is delivered again after the send: the real
 * host runs as a child process, email.send, notification.send and notification.urgent each reach their peer (the
 * SMTP server and the webhook receiver here), and while a sibling driver (`hold`) keeps each
 * event's outcome from being committed, the host is killed with SIGKILL. On restart both events
 * are redelivered, the IO drivers run again (attempt 2), find their durable markers and answer
 * without a second send.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { freePort, startHostProcess, type HostProcess } from '../helpers/local-host-process.js';
import { startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { until } from '../helpers/until.js';

const SECRET = 'whsec-redelivery';
const USER = 'carol';
let smtp: SmtpPeer;
let receiver: WebhookReceiver;
let dataDir: string;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  receiver = await startWebhookReceiver();
  receiver.secret('/ops', SECRET);
  dataDir = mkdtempSync(join(tmpdir(), 'vextir-io-redelivery-'));
});
afterAll(async () => {
  await smtp.close();
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Stored {
  status: string;
  children: string[];
  drivers: Array<{ driver: string; status: string; attempt: number }>;
  event: { type: string; data: { attempts?: unknown[] } };
}

it('sends an email and each notification (normal and urgent) once across a SIGKILL after the send', async () => {
  const configFile = join(dataDir, 'vextir.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      drivers: [{ module: resolve('test/fixtures/drivers/hold-driver.js'), options: { capabilities: ['email.send', 'notification.send', 'notification.urgent'] } }],
      notifications: { channels: [{ id: 'ops', url: `${receiver.url}/ops`, format: 'json', secretSetting: 'OPS_WEBHOOK_SECRET' }] },
    }),
  );
  const env = {
    VEXTIR_CONFIG: configFile,
    VEXTIR_RETRY_BASE_MS: '50',
    OPS_WEBHOOK_SECRET: SECRET,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_USER: smtp.user,
    SMTP_PASSWORD: smtp.password,
    SMTP_FROM: 'noreply@vextir.test',
    SMTP_CA_FILE: smtp.caFile,
  };
  const port = await freePort();
  const token = await signDevToken(loadOrCreateDevSecret(dataDir), USER);
  const call = async (host: HostProcess, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${host.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return response.json();
  };

  let host = await startHostProcess(dataDir, port, env);
  try {
    await call(host, '/api/events', { id: 'mail-1', type: 'email.send', data: { to: 'bob@example.com', subject: 'Once', text: 'only once' } });
    await call(host, '/api/events', { id: 'note-1', type: 'notification.send', data: { channel: 'ops', title: 'Once', text: 'only once' } });
    await call(host, '/api/events', { id: 'alert-1', type: 'notification.urgent', data: { channel: 'ops', title: 'Once', text: 'urgent, once' } });
    // The peers have them, and the IO drivers returned (so their markers are written), while `hold` keeps the events open.
    await until('the sends', async () => (smtp.mails.length === 1 && receiver.on('/ops').length === 2 ? true : undefined));
    await until('both drivers to return', async () => {
      const { drivers } = (await call(host, '/api/drivers')) as { drivers: Array<{ manifest: { id: string }; stats: { invocations: number; inFlight: number } }> };
      const done = (id: string, invocations: number) => drivers.some((d) => d.manifest.id === id && d.stats.invocations === invocations && d.stats.inFlight === 0);
      return done('smtp', 1) && done('notifications', 2) ? true : undefined;
    });
  } finally {
    host.child.kill('SIGKILL');
    await host.exited;
  }

  host = await startHostProcess(dataDir, port, env);
  try {
    const settled = (id: string) => until(`${id} processed`, async () => {
      const record = (await call(host, `/api/events/${id}`)) as Stored;
      return record.status === 'processed' ? record : undefined;
    });
    const mailRecord = await settled('mail-1');
    const noteRecord = await settled('note-1');
    const alertRecord = await settled('alert-1');
    // The redelivery really ran the IO drivers again: attempt 2 is theirs.
    assert.deepEqual(mailRecord.drivers.map((run) => `${run.driver}:${run.status}@${run.attempt}`).sort(), ['hold:succeeded@2', 'smtp:succeeded@2']);
    assert.deepEqual(noteRecord.drivers.map((run) => `${run.driver}:${run.status}@${run.attempt}`).sort(), ['hold:succeeded@2', 'notifications:succeeded@2']);
    assert.deepEqual(alertRecord.drivers.map((run) => `${run.driver}:${run.status}@${run.attempt}`).sort(), ['hold:succeeded@2', 'notifications:succeeded@2']);
    assert.equal(smtp.mails.length, 1, 'the mail was sent once');
    assert.deepEqual(receiver.on('/ops').map((hit) => hit.headers['vextir-event-id']).sort(), ['alert-1', 'note-1'], 'the webhook was called once per notification');
    // A child's record is readable once it is processed, a moment after its parent's.
    const answers = async (record: Stored) => Promise.all(record.children.map((id) => until(`${id} recorded`, async () => {
      const child = (await call(host, `/api/events/${id}`)) as Partial<Stored>;
      return child.event === undefined ? undefined : (child as Stored);
    })));
    assert.deepEqual((await answers(mailRecord)).map((child) => child.event.type), ['email.sent']);
    const [delivered] = await answers(noteRecord);
    assert.equal(delivered?.event.type, 'notification.delivered');
    assert.equal(delivered?.event.data.attempts?.length, 1);
    const [alerted] = await answers(alertRecord);
    assert.equal(alerted?.event.type, 'notification.delivered');
    assert.equal(alerted?.event.data.attempts?.length, 1);
  } finally {
    host.child.kill('SIGTERM');
    assert.equal(await host.exited, 0);
  }
});
