/** The built-in email drivers (`smtp`: email.send; `imap`: email.fetch) and the mailbox watcher (email.received). */
export {
  EMAIL_FAILED,
  EMAIL_FETCH,
  EMAIL_FETCH_ERROR,
  EMAIL_FETCH_RESULT,
  EMAIL_RECEIVED,
  EMAIL_SEND,
  EMAIL_SENT,
  emailFailedSchema,
  emailFetchSchema,
  emailMessageSchema,
  emailReceivedSchema,
  emailSendSchema,
  emailSentSchema,
  type EmailFailed,
  type EmailFetch,
  type EmailMessage,
  type EmailReceived,
  type EmailSend,
  type EmailSent,
} from './contract.js';
export { createImapDriver, emailFetchErrorSchema, type EmailFetchError, type ImapDriverOptions } from './imap-driver.js';
export { MailboxWatcher, receivedEventId, type MailboxWatcherDeps } from './mailbox-watcher.js';
export { mailboxConfigSchema, mailboxesSchema, resolveMailboxes, type Mailbox, type MailboxConfig } from './mailboxes.js';
export { createSmtpDriver, type SmtpDriverOptions } from './smtp-driver.js';
export type { SmtpSettings } from './smtp-transport.js';
