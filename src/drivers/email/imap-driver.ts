/**
 * The built-in `imap` driver: `email.fetch {mailbox, folder?, since?, before?, limit?}` ->
 * `email.fetch.result {messages}` (newest first) or `email.fetch.error`. A mailbox answers only
 * its own user. A read-only request: nothing to do once; an unreachable server is retried by
 * the kernel (retryable KernelError) until the last delivery, which answers `unavailable`.
 */
import { z } from 'zod';
import { KernelError, type Driver, type EmittedEvent } from '../../kernel/index.js';
import { defineDriver } from '../define-driver.js';
import { EMAIL_FETCH, EMAIL_FETCH_ERROR, EMAIL_FETCH_RESULT, emailFetchSchema, type EmailFetch, type EmailMessage } from './contract.js';
import { imapClient } from './imap-connection.js';
import type { Mailbox } from './mailboxes.js';
import { MAX_BODY_BYTES } from './parse-message.js';
import { classifyImapError, readMessages } from './read-mailbox.js';

/** The bodies of one email.fetch.result together, in UTF-8 bytes (each message's body gets its share). */
const RESULT_BODY_BYTES = 160 * 1024;

export const emailFetchErrorSchema = z.strictObject({
  requestId: z.string(),
  code: z.enum(['invalid_request', 'unknown_mailbox', 'forbidden', 'auth_failed', 'not_found', 'unavailable']),
  reason: z.string(),
});
export type EmailFetchError = z.infer<typeof emailFetchErrorSchema>;

export interface ImapDriverOptions {
  mailboxes: ReadonlyMap<string, Mailbox>;
  maxDeliveryCount: number;
}

export function createImapDriver(options: ImapDriverOptions): Driver {
  return defineDriver({
    manifest: {
      id: 'imap',
      name: 'Email in (IMAP)',
      version: '1.0.0',
      type: 'io',
      author: 'Vextir OS',
      description: 'Answers email.fetch with the messages of a configured mailbox, by folder and date',
      capabilities: [EMAIL_FETCH],
      external: true,
      resources: { timeout: '60s', maxConcurrency: 8 },
    },
    async handle(event, context) {
      const fail = (code: EmailFetchError['code'], reason: string): EmittedEvent[] => [{ type: EMAIL_FETCH_ERROR, category: 'output', data: { requestId: event.id, code, reason } satisfies EmailFetchError }];
      const parsed = emailFetchSchema.safeParse(event.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail('invalid_request', `invalid email.fetch: ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'bad shape'}`);
      }
      const request = parsed.data;
      const mailbox = options.mailboxes.get(request.mailbox);
      // The same answer for a mailbox of another user as for none: ids of others' mailboxes are not disclosed.
      if (mailbox === undefined || mailbox.user !== event.userid) return fail('unknown_mailbox', `you have no mailbox "${request.mailbox}"`);
      const folder = request.folder ?? mailbox.folder;
      try {
        const messages = await fetchByDate(mailbox, folder, request);
        return [{ type: EMAIL_FETCH_RESULT, category: 'output', data: { requestId: event.id, mailbox: mailbox.id, folder, messages } }];
      } catch (error) {
        const view = classifyImapError(error);
        if (view.code !== 'unavailable') return fail(view.code, view.message);
        if (context.attempt >= options.maxDeliveryCount) return fail('unavailable', `gave up after ${context.attempt} deliveries: ${view.message}`);
        throw new KernelError('unavailable', `mailbox ${mailbox.id} could not be read, retrying: ${view.message}`, { retryable: true });
      }
    },
  });
}

async function fetchByDate(mailbox: Mailbox, folder: string, request: EmailFetch): Promise<EmailMessage[]> {
  const client = await imapClient(mailbox, { disableAutoIdle: true });
  client.on('error', () => undefined); // reported through the rejected command instead
  await client.connect();
  try {
    const opened = await client.mailboxOpen(folder, { readOnly: true });
    const since = request.since === undefined ? undefined : new Date(request.since);
    const before = request.before === undefined ? undefined : new Date(request.before);
    // IMAP SINCE/BEFORE compare dates only: ask for whole days, then keep the exact range.
    const found = await client.search({ ...(since && { since }), ...(before && { before: new Date(before.getTime() + 86_400_000) }) }, { uid: true });
    const uids = found || [];
    // Dates first (small), then the sources of the newest `limit` in range only.
    const dated = uids.length === 0 ? [] : await client.fetchAll(uids.join(','), { uid: true, internalDate: true }, { uid: true });
    const inRange = dated
      .filter((message) => {
        const at = message.internalDate === undefined ? Number.NaN : new Date(message.internalDate).getTime();
        return (since === undefined || at >= since.getTime()) && (before === undefined || at < before.getTime());
      })
      .map((message) => message.uid)
      .sort((a, b) => a - b);
    const chosen = inRange.slice(-request.limit);
    // One answer is one event: the bodies share a budget that keeps it within a bus message.
    const perMessage = Math.min(MAX_BODY_BYTES, Math.floor(RESULT_BODY_BYTES / Math.max(1, chosen.length)));
    return (await readMessages(client, opened.uidValidity, chosen, perMessage)).reverse();
  } finally {
    await client.logout().catch(() => client.close());
  }
}
