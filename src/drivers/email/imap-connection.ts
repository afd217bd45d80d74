/**
 * One imapflow client for a configured mailbox; every caller logs out (or closes) it when done.
 * imapflow is imported on first use: hosts without mailboxes never load it (about 0.3-0.5 s).
 */
import type { ImapFlow } from 'imapflow';
import type { Mailbox } from './mailboxes.js';

export interface ImapClientOptions {
  /** Start IDLE this soon after the last command (imapflow waits 15 s by default). */
  autoIdleDelayMs?: number;
  /** Without IDLE: how often imapflow polls (its `maxIdleTime`). */
  pollMs?: number;
  disableAutoIdle?: boolean;
}

export async function imapClient(mailbox: Mailbox, options: ImapClientOptions = {}): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow({
    host: mailbox.host,
    port: mailbox.port,
    secure: mailbox.secure,
    auth: { user: mailbox.username, pass: mailbox.password },
    logger: false,
    ...(mailbox.allowSelfSignedCertificate && { tls: { rejectUnauthorized: false } }),
    ...(options.disableAutoIdle === true && { disableAutoIdle: true }),
    ...(options.autoIdleDelayMs !== undefined && { autoIdleDelay: options.autoIdleDelayMs }),
    ...(options.pollMs !== undefined && { maxIdleTime: options.pollMs, missingIdleCommand: 'STATUS' as const }),
    connectionTimeout: 30_000,
  });
}
