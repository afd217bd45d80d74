/**
 * The IO drivers (notifications, smtp, imap) and the mailbox watchers, built from the settings
 * (SMTP_*, the secrets channels and mailboxes name) and the project file (channels, mailboxes).
 * Watchers publish through the kernel's idempotent ingest, like any event from outside.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { ProjectFile } from '../drivers/index.js';
import { createImapDriver, createSmtpDriver, MailboxWatcher, resolveMailboxes, type SmtpSettings } from '../drivers/email/index.js';
import { createNotificationsDriver, resolveChannels } from '../drivers/notifications/index.js';
import { ingest, KernelError, type Clock, type Driver, type EventBus, type EventStore, type Logger, type StateStore } from '../kernel/index.js';

export interface IoDeps {
  state: StateStore;
  bus: EventBus;
  store: EventStore;
  clock: Clock;
  logger: Logger;
  sharedCommit?: boolean;
}

/** The watchers of every configured mailbox; a host that runs long enough to watch starts them. */
export interface MailboxWatchers {
  readonly count: number;
  start(): void;
  /** Ends every watch (logs out). Never throws. */
  stop(): Promise<void>;
  /**
   * For GET /api/health once started: how many mailboxes are being watched. Always ok: a mail
   * server's outage must not take the API out of a load balancer (the watchers reconnect).
   */
  health(): { ok: boolean; detail: string } | undefined;
}

export interface IoSystem {
  drivers: Driver[];
  mailboxes: MailboxWatchers;
}

export function createIo(config: Config, project: ProjectFile, deps: IoDeps): IoSystem {
  const maxDeliveryCount = config.processor.maxDeliveryCount;
  const channels = resolveChannels(project.notifications, config.io.setting);
  const mailboxes = resolveMailboxes(project.mailboxes, config.io.setting);
  const drivers = [
    createNotificationsDriver({ channels, state: deps.state, maxDeliveryCount }),
    createSmtpDriver({ smtp: smtpSettings(config), state: deps.state, maxDeliveryCount }),
    createImapDriver({ mailboxes, maxDeliveryCount }),
  ];
  const publish = async (events: Parameters<typeof ingest>[0]): Promise<void> => {
    await ingest(events, { bus: deps.bus, store: deps.store, clock: deps.clock, ...(deps.sharedCommit !== undefined && { sharedCommit: deps.sharedCommit }) });
  };
  const watchers = [...mailboxes.values()].map((mailbox) => new MailboxWatcher({ mailbox, state: deps.state, publish, logger: deps.logger }));
  let started = false;
  return {
    drivers,
    mailboxes: {
      count: watchers.length,
      start: () => {
        started = true;
        watchers.forEach((watcher) => watcher.start());
      },
      health: () => {
        if (!started || watchers.length === 0) return undefined;
        const watching = watchers.filter((watcher) => watcher.watching).length;
        return { ok: true, detail: `watching ${watching} of ${watchers.length} mailboxes` };
      },
      stop: async () => {
        await Promise.all(watchers.map((watcher) => watcher.stop().catch((error: unknown) => deps.logger.warn({ err: error }, 'a mailbox watcher did not stop cleanly'))));
      },
    },
  };
}

function smtpSettings(config: Config): SmtpSettings | undefined {
  const smtp = config.io.smtp;
  if (smtp === undefined) return undefined;
  let ca: string | undefined;
  if (smtp.caFile !== undefined) {
    try {
      ca = readFileSync(smtp.caFile, 'utf8');
    } catch (error) {
      throw new KernelError('invalid_input', `SMTP_CA_FILE: cannot read ${smtp.caFile}: ${(error as Error).message}`);
    }
  }
  return { host: smtp.host, port: smtp.port, tls: smtp.tls, user: smtp.user, password: smtp.password, from: smtp.from, ca };
}
