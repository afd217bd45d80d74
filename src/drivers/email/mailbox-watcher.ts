/**
 * Watches one configured mailbox folder over IMAP and turns each new message into one
 * `email.received` event for the mailbox's user.
 *
 * - New mail is noticed through IDLE (imapflow starts it 100 ms after the last command; its
 *   `exists` event wakes the watcher). Servers without IDLE are polled (imapflow's STATUS
 *   fallback), and every `pollSeconds` the watcher looks anyway, as a safety net.
 * - Exactly once per message: the event id is derived from (mailbox id, UIDVALIDITY, UID), and
 *   ingestion is idempotent per id; the last UID published is kept in the StateStore (kind
 *   `mailbox-cursor`) after the publish. A crash between the two re-publishes the same ids,
 *   which are acknowledged as duplicates and not processed again.
 * - The first watch of a mailbox (or a new UIDVALIDITY: the folder was recreated) starts at its
 *   current end: older mail is not replayed into the agents (it is there for `email.fetch`).
 * - A lost connection is retried with backoff (1 s doubling to 60 s) until `stop()`.
 */
import { z } from 'zod';
import type { ImapFlow } from 'imapflow';
import type { Envelope, Logger, StateStore } from '../../kernel/index.js';
import { EMAIL_RECEIVED, type EmailMessage, type EmailReceived } from './contract.js';
import { imapClient } from './imap-connection.js';
import type { Mailbox } from './mailboxes.js';
import { readMessages, uidsAfter } from './read-mailbox.js';

export const CURSOR_KIND = 'mailbox-cursor';
const cursorSchema = z.strictObject({ uidValidity: z.string(), lastUid: z.number().int().min(0) });
type Cursor = z.infer<typeof cursorSchema>;

const BATCH = 50;

export interface MailboxWatcherDeps {
  mailbox: Mailbox;
  state: StateStore;
  /** Accepts events idempotently per id (the kernel's ingest). */
  publish: (events: readonly Envelope[]) => Promise<void>;
  logger: Logger;
}

/** The event id of a message: the same whenever and however often it is seen. */
export function receivedEventId(mailboxId: string, uidValidity: string, uid: number): string {
  return `mail-${mailboxId}-${uidValidity}-${uid}`;
}

export class MailboxWatcher {
  readonly #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #client: ImapFlow | undefined;
  #watching = false;

  constructor(private readonly deps: MailboxWatcherDeps) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  /** True while connected and caught up: new mail is noticed now. */
  get watching(): boolean {
    return this.#watching;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    const client = this.#client;
    if (client?.usable) await client.logout().catch(() => client.close());
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { mailbox, logger } = this.deps;
    let backoffMs = 1000;
    while (!this.#stop.signal.aborted) {
      try {
        await this.#session(() => (backoffMs = 1000));
      } catch (error) {
        if (this.#stop.signal.aborted) break;
        logger.warn({ err: error, mailbox: mailbox.id }, 'mailbox watch failed; reconnecting');
      }
      if (this.#stop.signal.aborted) break;
      await sleep(backoffMs, this.#stop.signal);
      backoffMs = Math.min(backoffMs * 2, 60_000);
    }
  }

  /** One connection: catch up, then wait for news until the connection closes or the watcher stops. */
  async #session(connected: () => void): Promise<void> {
    const { mailbox } = this.deps;
    const client = await imapClient(mailbox, { autoIdleDelayMs: 100, pollMs: mailbox.pollSeconds * 1000 });
    this.#client = client;
    let wake: (() => void) | undefined;
    client.on('exists', () => wake?.());
    client.on('error', (error: unknown) => this.deps.logger.debug({ err: error, mailbox: mailbox.id }, 'IMAP connection error'));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await client.connect();
    try {
      const opened = await client.mailboxOpen(mailbox.folder, { readOnly: true });
      const uidValidity = opened.uidValidity.toString();
      let cursor = await this.#cursor(uidValidity, opened.uidNext - 1);
      connected();
      this.deps.logger.info({ mailbox: mailbox.id, folder: mailbox.folder, idle: client.capabilities.has('IDLE'), lastUid: cursor.lastUid }, 'watching mailbox');
      while (!this.#stop.signal.aborted && client.usable) {
        const news = new Promise<void>((resolve) => (wake = resolve));
        cursor = await this.#catchUp(client, opened.uidValidity, cursor);
        this.#watching = true;
        await Promise.race([news, closed, sleep(mailbox.pollSeconds * 1000, this.#stop.signal)]);
      }
    } finally {
      this.#watching = false;
      if (client.usable) await client.logout().catch(() => client.close());
    }
  }

  async #cursor(uidValidity: string, lastUidNow: number): Promise<Cursor> {
    const { mailbox, state, logger } = this.deps;
    const item = await state.get(mailbox.user, CURSOR_KIND, cursorKey(mailbox));
    const stored = item === undefined ? undefined : cursorSchema.parse(item.value);
    if (stored?.uidValidity === uidValidity) return stored;
    if (stored !== undefined) logger.warn({ mailbox: mailbox.id, was: stored.uidValidity, now: uidValidity }, 'UIDVALIDITY changed (the folder was recreated): watching from its current end');
    const fresh = { uidValidity, lastUid: Math.max(0, lastUidNow) };
    await state.put(mailbox.user, CURSOR_KIND, cursorKey(mailbox), fresh);
    return fresh;
  }

  /** Publishes every message above the cursor, oldest first, moving the cursor after each batch. */
  async #catchUp(client: ImapFlow, uidValidity: bigint, cursor: Cursor): Promise<Cursor> {
    const { mailbox, state } = this.deps;
    const uids = await uidsAfter(client, cursor.lastUid);
    let current = cursor;
    for (let i = 0; i < uids.length && !this.#stop.signal.aborted; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const messages = await readMessages(client, uidValidity, batch);
      if (messages.length > 0) await this.deps.publish(messages.map((message) => this.#event(current.uidValidity, message)));
      current = { uidValidity: current.uidValidity, lastUid: batch[batch.length - 1] ?? current.lastUid };
      await state.put(mailbox.user, CURSOR_KIND, cursorKey(mailbox), current);
    }
    return current;
  }

  #event(uidValidity: string, message: EmailMessage): Envelope {
    const { mailbox } = this.deps;
    const id = receivedEventId(mailbox.id, uidValidity, message.uid);
    const data: EmailReceived = { ...message, mailbox: mailbox.id, folder: mailbox.folder };
    return {
      specversion: '1.0',
      id,
      type: EMAIL_RECEIVED,
      source: `/mailboxes/${mailbox.id}`,
      time: message.receivedAt, // when the mail arrived: the same on every re-publication
      userid: mailbox.user,
      category: 'input',
      correlationid: id,
      depth: 0,
      data,
    };
  }
}

function cursorKey(mailbox: Mailbox): string {
  return `${mailbox.id}/${mailbox.folder}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
