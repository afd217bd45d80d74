/**
 * email.send end to end on the embedded host against smtp-server started here: STARTTLS with a
 * certificate the test made (trusted through SMTP_CA_FILE), AUTH after TLS, a recipient the
 * server refuses (550), and the default pii-protection policy's treatment of mail.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { EmailFailed, EmailSent } from '../../src/drivers/email/index.js';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { REFUSED_DOMAIN, startSmtpPeer, type SmtpPeer } from '../helpers/smtp-peer.js';

let smtp: SmtpPeer;
let system: TestSystem;

beforeAll(async () => {
  smtp = await startSmtpPeer();
  system = await startTestSystem({
    env: { SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_USER: smtp.user, SMTP_PASSWORD: smtp.password, SMTP_FROM: 'Vextir <noreply@vextir.test>', SMTP_CA_FILE: smtp.caFile },
  });
});
afterAll(async () => {
  await system.stop();
  await smtp.close();
});

async function send(data: unknown): Promise<{ type: string; data: EmailSent & EmailFailed; record: RecordBody }> {
  const id = await system.emit('alice', 'email.send', data);
  const record = await system.settled('alice', id);
  assert.equal(record.status, 'processed', JSON.stringify(record.error));
  assert.equal(record.children.length, 1);
  const answer = await system.settled('alice', record.children[0]!);
  return { type: answer.event.type, data: answer.event.data as EmailSent & EmailFailed, record };
}

describe('email.send over SMTP', () => {
  it('sends over STARTTLS after AUTH, from SMTP_FROM, with a Message-ID derived from the idempotency key', async () => {
    const { type, data } = await send({ to: 'bob@example.com', cc: [{ name: 'Carol', address: 'carol@example.com' }], subject: 'Quarterly report', text: 'Attached soon. Call me on +44 20 7946 0958.', replyTo: 'alice@example.com' });
    assert.equal(type, 'email.sent', JSON.stringify(data));
    assert.deepEqual(data.accepted.sort(), ['bob@example.com', 'carol@example.com']);
    assert.deepEqual(data.rejected, []);
    assert.match(data.messageId, /^<[0-9a-f]{40}@vextir\.test>$/);
    const mail = smtp.mails.find((m) => m.parsed.messageId === data.messageId);
    assert.ok(mail, 'the server received it');
    assert.equal(mail.secure, true, 'STARTTLS was used');
    assert.equal(mail.user, smtp.user, 'AUTH succeeded');
    assert.equal(mail.from, 'noreply@vextir.test');
    assert.equal(mail.parsed.subject, 'Quarterly report');
    assert.equal(mail.parsed.text?.trim(), 'Attached soon. Call me on +44 20 7946 0958.', 'addresses and phone numbers are not redacted in mail');
    assert.equal(mail.parsed.replyTo?.text, 'alice@example.com');
  });

  it('answers email.failed when the server refuses every recipient', async () => {
    const { type, data } = await send({ to: `nobody@${REFUSED_DOMAIN}`, subject: 'x', text: 'x' });
    assert.equal(type, 'email.failed');
    assert.equal(data.code, 'rejected');
    assert.equal(data.responseCode, 550);
    assert.deepEqual(data.rejected, [`nobody@${REFUSED_DOMAIN}`]);
  });

  it('reports the refused recipient of a mail the others received', async () => {
    const { type, data } = await send({ to: ['dave@example.com', `nobody@${REFUSED_DOMAIN}`], subject: 'partial', text: 'x' });
    assert.equal(type, 'email.sent');
    assert.deepEqual(data.accepted, ['dave@example.com']);
    assert.deepEqual(data.rejected, [`nobody@${REFUSED_DOMAIN}`]);
  });

  it('refuses a bad request naming the field, and sends nothing', async () => {
    const before = smtp.mails.length;
    const noBody = await send({ to: 'bob@example.com', subject: 'no body' });
    assert.equal(noBody.data.code, 'invalid_request');
    assert.match(noBody.data.reason, /text: needs text or html/);
    const from = await send({ to: 'bob@example.com', subject: 's', text: 't', from: 'ceo@example.com' });
    assert.equal(from.data.code, 'invalid_request', 'a sender cannot be chosen by the event');
    assert.equal(smtp.mails.length, before);
  });

  it('does not send a mail whose other personal data a policy redacted', async () => {
    const before = smtp.mails.length;
    const { type, data } = await send({ to: 'bob@example.com', subject: 'card', text: 'my card is 4111 1111 1111 1111' });
    assert.equal(type, 'email.failed');
    assert.equal(data.code, 'invalid_request');
    assert.match(data.reason, /redacted/);
    assert.equal(smtp.mails.length, before);
  });
});

describe('email.send with credentials the server refuses', () => {
  it('answers email.failed auth_failed, naming the settings to check', async () => {
    const wrong = await startTestSystem({ env: { SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), SMTP_USER: smtp.user, SMTP_PASSWORD: 'not-the-password', SMTP_FROM: 'noreply@vextir.test', SMTP_CA_FILE: smtp.caFile } });
    try {
      const id = await wrong.emit('alice', 'email.send', { to: 'bob@example.com', subject: 's', text: 't' });
      const record = await wrong.settled('alice', id);
      const answer = await wrong.settled('alice', record.children[0]!);
      assert.equal(answer.event.type, 'email.failed');
      const data = answer.event.data as EmailFailed;
      assert.equal(data.code, 'auth_failed');
      assert.equal(data.responseCode, 535);
      assert.match(data.reason, /SMTP_USER, SMTP_PASSWORD/);
    } finally {
      await wrong.stop();
    }
  });
});
