/**
 * The IO drivers' configuration is refused with a precise message: the project file's channels
 * and mailboxes (zod), the secrets they name, and the SMTP settings.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { resolveMailboxes } from '../../../src/drivers/email/index.js';
import { readProjectFile } from '../../../src/drivers/index.js';
import { resolveChannels } from '../../../src/drivers/notifications/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vextir-io-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function project(content: unknown): ReturnType<typeof readProjectFile> {
  const file = join(dir, `p-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return readProjectFile(file);
}

describe('IO configuration', () => {
  it('reads channels and mailboxes with their defaults', () => {
    const read = project({
      notifications: { channels: [{ id: 'ops', url: 'https://hooks.example.com/x', secretSetting: 'OPS_WEBHOOK_SECRET' }] },
      mailboxes: [{ id: 'inbox', user: 'alice', host: 'imap.example.com', username: 'alice', passwordSetting: 'ALICE_IMAP_PASSWORD' }],
    });
    assert.deepEqual(read.notifications.channels[0], { id: 'ops', url: 'https://hooks.example.com/x', format: 'json', secretSetting: 'OPS_WEBHOOK_SECRET', maxAttempts: 5, timeoutMs: 10_000 });
    assert.deepEqual(read.mailboxes[0], { id: 'inbox', user: 'alice', host: 'imap.example.com', port: 993, secure: true, username: 'alice', passwordSetting: 'ALICE_IMAP_PASSWORD', folder: 'INBOX', pollSeconds: 60, allowSelfSignedCertificate: false });
  });

  it('refuses bad channels and mailboxes, naming the field', () => {
    assert.throws(() => project({ notifications: { channels: [{ id: 'ops', url: 'ftp://x' }] } }), /must be an http or https URL\n\s*→ at notifications\.channels\[0\]\.url/);
    assert.throws(() => project({ notifications: { channels: [{ id: 'ops', url: 'https://x.example' }] } }), /a json channel needs a secretSetting.*\n\s*→ at notifications\.channels\[0\]\.secretSetting/);
    assert.throws(() => project({ notifications: { channels: [{ id: 'ops', url: 'https://x.example', format: 'slack', secretSetting: 'PATH' }] } }), /ending in _SECRET\n\s*→ at notifications\.channels\[0\]\.secretSetting/);
    assert.throws(() => project({ notifications: { channels: [{ id: 'a', url: 'https://x.example', format: 'slack' }, { id: 'a', url: 'https://y.example', format: 'slack' }] } }), /channel ids must be unique/);
    assert.throws(() => project({ mailboxes: [{ id: 'inbox', user: 'alice', host: 'h', username: 'u', passwordSetting: 'ALICE_PASS' }] }), /ending in _PASSWORD\n\s*→ at mailboxes\[0\]\.passwordSetting/);
    assert.throws(() => project({ mailboxes: [{ id: 'inbox', user: 'alice', host: 'h', username: 'u', passwordSetting: 'A_PASSWORD', password: 'inline' }] }), /password/);
  });

  it('refuses to start when a named secret is not set, naming the channel and the setting', () => {
    const read = project({ notifications: { channels: [{ id: 'ops', url: 'https://x.example', secretSetting: 'OPS_WEBHOOK_SECRET' }] }, mailboxes: [{ id: 'inbox', user: 'alice', host: 'h', username: 'u', passwordSetting: 'ALICE_IMAP_PASSWORD' }] });
    const config = loadConfig({});
    assert.throws(() => resolveChannels(read.notifications, config.io.setting), /channel "ops": the setting OPS_WEBHOOK_SECRET \(its signing secret\) is not set/);
    assert.throws(() => resolveMailboxes(read.mailboxes, config.io.setting), /mailbox "inbox": the setting ALICE_IMAP_PASSWORD \(its password\) is not set/);
    const withSecrets = loadConfig({ OPS_WEBHOOK_SECRET: 's', ALICE_IMAP_PASSWORD: 'p', PATH_PASSWORDX: 'no' });
    assert.equal(resolveChannels(read.notifications, withSecrets.io.setting).get('ops')?.secret, 's');
    assert.equal(withSecrets.io.setting('PATH'), undefined, 'only *_SECRET and *_PASSWORD settings can be named');
  });

  it('parses the SMTP settings, refusing a bad one by name', () => {
    assert.equal(loadConfig({}).io.smtp, undefined);
    assert.deepEqual(loadConfig({ SMTP_HOST: 'smtp.example.com', SMTP_FROM: 'a@b.c' }).io.smtp, { host: 'smtp.example.com', port: 587, tls: 'starttls', user: undefined, password: undefined, from: 'a@b.c', caFile: undefined });
    assert.throws(() => loadConfig({ SMTP_HOST: 'h', SMTP_TLS: 'ssl' }), /SMTP_TLS/);
    assert.throws(() => loadConfig({ SMTP_PORT: '0' }), /SMTP_PORT/);
  });
});
