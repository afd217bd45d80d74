/**
 * The email drivers' events:
 *
 *   email.send         { to, cc?, bcc?, subject, text?, html?, replyTo? }     (smtp driver)
 *   email.sent         { requestId, messageId, accepted, rejected }
 *   email.failed       { requestId, code, reason, rejected?, responseCode? }
 *   email.fetch        { mailbox, folder?, since?, before?, limit? }          (imap driver)
 *   email.fetch.result { requestId, mailbox, folder, messages: [EmailMessage] }
 *   email.fetch.error  { requestId, code, reason }
 *   email.received     EmailMessage & { mailbox, folder }                    (mailbox watcher)
 *
 * `from` is the deployment's SMTP_FROM, never the event's: a user cannot send as someone else.
 */
import { z } from 'zod';

export const EMAIL_SEND = 'email.send';
export const EMAIL_SENT = 'email.sent';
export const EMAIL_FAILED = 'email.failed';
export const EMAIL_FETCH = 'email.fetch';
export const EMAIL_FETCH_RESULT = 'email.fetch.result';
export const EMAIL_FETCH_ERROR = 'email.fetch.error';
export const EMAIL_RECEIVED = 'email.received';

export const MAILBOX_ID = /^[a-z][a-z0-9_-]{0,63}$/;

const address = z.union([z.email(), z.strictObject({ name: z.string().max(200).optional(), address: z.email() })]);
const addresses = z.union([address, z.array(address).min(1).max(100)]);

export const emailSendSchema = z
  .strictObject({
    to: addresses,
    cc: addresses.optional(),
    bcc: addresses.optional(),
    subject: z.string().max(998),
    text: z.string().max(1_000_000).optional(),
    html: z.string().max(1_000_000).optional(),
    replyTo: address.optional(),
  })
  .refine((mail) => mail.text !== undefined || mail.html !== undefined, { message: 'needs text or html', path: ['text'] });
export type EmailSend = z.infer<typeof emailSendSchema>;

export const emailSentSchema = z.strictObject({
  requestId: z.string(),
  messageId: z.string(),
  accepted: z.array(z.string()),
  rejected: z.array(z.string()),
});
export type EmailSent = z.infer<typeof emailSentSchema>;

export const emailFailedSchema = z.strictObject({
  requestId: z.string(),
  code: z.enum(['invalid_request', 'not_configured', 'rejected', 'auth_failed', 'gave_up']),
  reason: z.string(),
  rejected: z.array(z.string()).optional(),
  responseCode: z.number().int().optional(),
});
export type EmailFailed = z.infer<typeof emailFailedSchema>;

export const emailFetchSchema = z
  .strictObject({
    mailbox: z.string().regex(MAILBOX_ID, 'must be a mailbox id'),
    /** Default: the mailbox's configured folder. */
    folder: z.string().min(1).max(200).optional(),
    /** Messages received on or after this date (IMAP compares dates, not times). */
    since: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
    /** Messages received before this date. */
    before: z.iso.date().or(z.iso.datetime({ offset: true })).optional(),
    /** The newest `limit` of the messages found (default 20). */
    limit: z.number().int().min(1).max(100).default(20),
  });
export type EmailFetch = z.infer<typeof emailFetchSchema>;

/** One message as events carry it (the email assistant's input). */
export const emailMessageSchema = z.strictObject({
  /** The RFC 5322 Message-ID header (or a stable stand-in when the mail has none). */
  messageId: z.string(),
  uid: z.number().int(),
  /** UIDVALIDITY, as text: IMAP's value is a 32-bit number imapflow returns as a BigInt. */
  uidValidity: z.string(),
  from: z.string(),
  fromAddress: z.string().optional(),
  to: z.string(),
  cc: z.string().optional(),
  subject: z.string(),
  /** The text body (from the HTML when the mail has no text part): at most 64 KiB of UTF-8, less in a fetch of many. */
  body: z.string(),
  truncated: z.boolean(),
  receivedAt: z.string(),
  attachments: z.array(z.strictObject({ filename: z.string().optional(), contentType: z.string(), size: z.number().int() })),
});
export type EmailMessage = z.infer<typeof emailMessageSchema>;

export const emailReceivedSchema = emailMessageSchema.extend({ mailbox: z.string(), folder: z.string() });
export type EmailReceived = z.infer<typeof emailReceivedSchema>;
