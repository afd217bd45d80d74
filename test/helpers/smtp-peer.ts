/**
 * An SMTP server for tests (smtp-server on loopback): STARTTLS with a certificate made for the
 * test by openssl, AUTH (PLAIN/LOGIN) only after TLS with one user, recipients at `blocked.test`
 * refused with 550. Records every accepted message with its session's facts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  secure: boolean;
  user: string | undefined;
  from: string;
  recipients: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpPeer {
  host: string;
  port: number;
  /** The test CA (the self-signed certificate), as a PEM file for SMTP_CA_FILE. */
  caFile: string;
  user: string;
  password: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export const REFUSED_DOMAIN = 'blocked.test';

export async function startSmtpPeer(): Promise<SmtpPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'vextir-smtp-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  const user = 'mailer';
  const password = 'smtp-secret-password';
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    key: readFileSync(keyFile),
    cert: readFileSync(caFile),
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith(`@${REFUSED_DOMAIN}`)) return callback(Object.assign(new Error(`Mailbox unavailable: ${address.address}`), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const from = session.envelope.mailFrom;
            mails.push({ secure: session.secure, user: typeof session.user === 'string' ? session.user : undefined, from: from === false ? '' : from.address, recipients: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, parsed });
            callback();
          },
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    caFile,
    user,
    password,
    mails,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
