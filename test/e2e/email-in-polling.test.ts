/**
 * The mailbox watcher's fallback for servers without IDLE: Dovecot started here announces no
 * IDLE after login, and new mail still becomes one email.received, found by polling
 * (imapflow's STATUS fallback and the watcher's own `pollSeconds`, 1 s here).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { EmailReceived } from '../../src/drivers/email/index.js';
import { startLocal, type RunningLocalHost } from '../../src/hosts/embedded/index.js';
import { loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { skipWithoutDovecot, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

const skip = skipWithoutDovecot();
const PASSWORD = 'imap-pass-dora';
let dovecot: Dovecot;
let dataDir: string;
let host: RunningLocalHost;
let imap: ImapFlow;

describe.skipIf(skip)('email in from a server without IDLE', () => {
  beforeAll(async () => {
    dovecot = await startDovecot({ dora: PASSWORD }, { capabilities: 'IMAP4rev1 SASL-IR LITERAL+ ID ENABLE UIDPLUS NAMESPACE UNSELECT CHILDREN' });
    dataDir = mkdtempSync(join(tmpdir(), 'vextir-email-poll-'));
    const configFile = join(dataDir, 'vextir.config.json');
    writeFileSync(configFile, JSON.stringify({ mailboxes: [{ id: 'dora-inbox', user: 'dora', host: dovecot.host, port: dovecot.port, secure: false, username: 'dora', passwordSetting: 'DORA_IMAP_PASSWORD', pollSeconds: 1 }] }));
    host = await startLocal(loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', DORA_IMAP_PASSWORD: PASSWORD }), silentLogger);
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'dora', pass: PASSWORD }, logger: false });
    await imap.connect();
  });
  afterAll(async () => {
    await imap?.logout().catch(() => undefined);
    await host?.stop();
    await dovecot?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds new mail by polling', async () => {
    assert.equal(imap.capabilities.has('IDLE'), false, 'the server really offers no IDLE');
    for (let i = 0; i < 200; i += 1) {
      const health = (await (await fetch(`${host.url}/api/health`)).json()) as { checks: Record<string, { detail?: string }> };
      if (health.checks['mailboxes']?.detail === 'watching 1 of 1 mailboxes') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await imap.append('INBOX', ['From: eve@example.com', 'To: dora@example.org', 'Subject: Polled', 'Message-ID: <polled@example.com>', '', 'found by polling', ''].join('\r\n'));
    const token = await signDevToken(loadOrCreateDevSecret(dataDir), 'dora');
    let events: Array<{ event: { data: EmailReceived } }> = [];
    for (let i = 0; i < 200 && events.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      events = ((await (await fetch(`${host.url}/api/events?type=email.received`, { headers: { authorization: `Bearer ${token}` } })).json()) as { events: typeof events }).events;
    }
    assert.equal(events.length, 1);
    assert.equal(events[0]?.event.data.subject, 'Polled');
  });
});
