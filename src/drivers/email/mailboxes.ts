/**
 * Mailboxes watched over IMAP, configured in the project file, each belonging to one user:
 *
 *   mailboxes:
 *     - { id: alice-inbox, user: alice, host: imap.example.com, port: 993, secure: true,
 *         username: alice@example.com, passwordSetting: ALICE_IMAP_PASSWORD, folder: INBOX }
 *
 * `passwordSetting` is the NAME of the setting holding the password (`*_PASSWORD`), never the
 * password. Only the mailbox's user receives its mail (`email.received`) and may fetch from it.
 */
import { z } from 'zod';
import { KernelError, userIdSchema } from '../../kernel/index.js';
import { MAILBOX_ID } from './contract.js';

export const mailboxConfigSchema = z.strictObject({
  id: z.string().regex(MAILBOX_ID, 'must be lower-case letters, digits, "_" or "-", starting with a letter'),
  user: userIdSchema,
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(993),
  /** true: TLS from the first byte (993); false: STARTTLS when the server offers it. */
  secure: z.boolean().default(true),
  username: z.string().min(1).max(320),
  passwordSetting: z.string().regex(/^[A-Z][A-Z0-9_]{0,100}_PASSWORD$/, 'must be the name of a setting ending in _PASSWORD'),
  folder: z.string().min(1).max(200).default('INBOX'),
  /** Servers without IDLE are polled this often; with IDLE it is a safety net. */
  pollSeconds: z.number().int().min(1).max(3600).default(60),
  /** Accept a certificate no CA vouches for (a test server). Never for a real mailbox. */
  allowSelfSignedCertificate: z.boolean().default(false),
});
export type MailboxConfig = z.infer<typeof mailboxConfigSchema>;

export const mailboxesSchema = z
  .array(mailboxConfigSchema)
  .default([])
  .refine((mailboxes) => new Set(mailboxes.map((mailbox) => mailbox.id)).size === mailboxes.length, { message: 'mailbox ids must be unique' });

export interface Mailbox extends MailboxConfig {
  password: string;
}

/** The mailboxes with their passwords read from the settings; a missing one stops the start, naming it. */
export function resolveMailboxes(configs: readonly MailboxConfig[], setting: (name: string) => string | undefined): ReadonlyMap<string, Mailbox> {
  const mailboxes = new Map<string, Mailbox>();
  for (const config of configs) {
    const password = setting(config.passwordSetting);
    if (password === undefined) throw new KernelError('invalid_input', `mailbox "${config.id}": the setting ${config.passwordSetting} (its password) is not set`);
    mailboxes.set(config.id, { ...config, password });
  }
  return mailboxes;
}
