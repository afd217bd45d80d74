/**
 * The built-in `smtp` driver: `email.send` -> one message through the configured SMTP server ->
 * `email.sent {messageId, accepted, rejected}` (some recipients may be refused) or
 * `email.failed`.
 *
 * Sending once: before sending, the driver looks for its sent-marker (StateStore kind
 * `email-sent`, keyed by the event id); after the server accepted the message it writes the
 * marker before returning. A redelivery (a crash, a sibling driver's retry) finds it and answers
 * `email.sent` again without a second send. Only a crash between the server's 250 and the write
 * can send twice, and then with the same Message-ID (derived from the idempotency key).
 *
 * Retries: see smtp-failures.ts; a retryable failure is thrown as a retryable KernelError and
 * the kernel redelivers with its backoff, until VEXTIR_MAX_DELIVERY_COUNT: that delivery answers
 * `email.failed` gave_up rather than leaving the event dead-lettered without an answer.
 *
 * External, so policies apply: see the README on email.send and the pii-protection policy.
 */
import { KernelError, type Driver, type EmittedEvent, type StateStore } from '../../kernel/index.js';
import { defineDriver } from '../define-driver.js';
import { EMAIL_FAILED, EMAIL_SEND, EMAIL_SENT, emailSendSchema, emailSentSchema, type EmailFailed, type EmailSent } from './contract.js';
import { classifySmtpError } from './smtp-failures.js';
import { createSmtpTransport, messageIdFor, type SmtpSettings, type SmtpTransport } from './smtp-transport.js';

export const SENT_KIND = 'email-sent';

export interface SmtpDriverOptions {
  /** Undefined: SMTP is not configured; every email.send is answered `not_configured`. */
  smtp: SmtpSettings | undefined;
  state: StateStore;
  maxDeliveryCount: number;
}

export function createSmtpDriver(options: SmtpDriverOptions): Driver {
  let transport: Promise<SmtpTransport> | undefined;
  const { smtp, state } = options;
  return defineDriver({
    manifest: {
      id: 'smtp',
      name: 'Email out (SMTP)',
      version: '1.0.0',
      type: 'io',
      author: 'Vextir OS',
      description: 'Sends email.send through the configured SMTP server (pooled, STARTTLS), once per event',
      capabilities: [EMAIL_SEND],
      external: true,
      resources: { timeout: '60s', maxConcurrency: 16 },
    },
    async handle(event, context) {
      const fail = (failure: Omit<EmailFailed, 'requestId'>): EmittedEvent[] => [{ type: EMAIL_FAILED, category: 'output', data: { requestId: event.id, ...failure } satisfies EmailFailed }];
      if (smtp === undefined) return fail({ code: 'not_configured', reason: 'no SMTP server is configured (SMTP_HOST)' });
      if (JSON.stringify(event.data ?? null).includes('[REDACTED:')) {
        return fail({ code: 'invalid_request', reason: 'this driver was handed a copy with personal data redacted (a restrict policy with redactPii, such as pii-protection): a redacted mail is not sent' });
      }
      const parsed = emailSendSchema.safeParse(event.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail({ code: 'invalid_request', reason: `invalid email.send: ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'bad shape'}` });
      }
      const marker = await state.get(event.userid, SENT_KIND, event.id);
      if (marker !== undefined) return [{ type: EMAIL_SENT, category: 'output', data: emailSentSchema.parse(marker.value) }];

      const mail = parsed.data;
      transport ??= createSmtpTransport(smtp);
      let info;
      try {
        info = await (await transport).sendMail({
          ...(smtp.from !== undefined && { from: smtp.from }),
          to: mail.to,
          ...(mail.cc !== undefined && { cc: mail.cc }),
          ...(mail.bcc !== undefined && { bcc: mail.bcc }),
          ...(mail.replyTo !== undefined && { replyTo: mail.replyTo }),
          subject: mail.subject,
          ...(mail.text !== undefined && { text: mail.text }),
          ...(mail.html !== undefined && { html: mail.html }),
          messageId: messageIdFor(context.idempotencyKey, smtp.from),
        });
      } catch (error) {
        const failure = classifySmtpError(error);
        if (failure.kind === 'permanent') {
          const { kind: _kind, ...rest } = failure;
          return fail(rest);
        }
        if (context.attempt >= options.maxDeliveryCount) return fail({ code: 'gave_up', reason: `gave up after ${context.attempt} deliveries: ${failure.reason}` });
        throw new KernelError('unavailable', `email not sent yet, it will be retried: ${failure.reason}`, { retryable: true });
      }
      const sent: EmailSent = { requestId: event.id, messageId: info.messageId, accepted: info.accepted.map(addressText), rejected: info.rejected.map(addressText) };
      await state.put(event.userid, SENT_KIND, event.id, sent);
      return [{ type: EMAIL_SENT, category: 'output', data: sent }];
    },
    async shutdown() {
      (await transport)?.close();
    },
  });
}

function addressText(address: string | { address: string }): string {
  return typeof address === 'string' ? address : address.address;
}
