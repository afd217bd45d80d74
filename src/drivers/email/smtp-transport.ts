/**
 * The SMTP connection settings (from src/config.ts, through the wiring) and the pooled nodemailer
 * transport built from them. Pooled: an unpooled send pays a new connection, STARTTLS and AUTH
 * each time (about 115 ms against a local server; pooled, about 2 ms).
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** starttls: required before AUTH; implicit: TLS from the first byte; none: plain (a relay on loopback). */
  tls: 'starttls' | 'implicit' | 'none';
  user: string | undefined;
  password: string | undefined;
  from: string | undefined;
  /** PEM certificates to trust besides the system's. */
  ca: string | undefined;
}

export type SmtpTransport = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

/** Loaded on the first send: nodemailer is not needed by hosts that send no mail (about 0.1 s to import). */
export async function createSmtpTransport(settings: SmtpSettings): Promise<SmtpTransport> {
  const nodemailer = (await import('nodemailer')).default;
  const options: SMTPPool.Options = {
    pool: true,
    maxConnections: 4,
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'implicit',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    ...(settings.ca !== undefined && { tls: { ca: [settings.ca] } }),
    ...(settings.user !== undefined && { auth: { user: settings.user, pass: settings.password ?? '' } }),
  };
  return nodemailer.createTransport(options);
}

/**
 * A Message-ID derived from the driver's idempotency key: every attempt of one email.send
 * carries the same one, so a receiver (or a mail store) that sees it twice can tell.
 */
export function messageIdFor(idempotencyKey: string, from: string | undefined): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from ?? '')?.[1] ?? 'vextir.invalid';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}
