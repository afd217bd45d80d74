/**
 * The built-in `notifications` driver: `notification.send` or `notification.urgent` -> a POST to
 * a configured webhook channel -> `notification.delivered` or `notification.failed`. Both types
 * take the same data and are delivered the same way; an urgent one is marked so in the body.
 *
 * Retries use the kernel's redelivery rather than a loop in the driver: an attempt that failed
 * in a way worth retrying (timeout, network, 408, 429, 5xx) is recorded in the delivery log and
 * the driver throws a retryable KernelError, so the bus redelivers the event after the kernel's
 * backoff (VEXTIR_RETRY_BASE_MS doubling, or the receiver's Retry-After if longer). Nothing waits
 * in memory, so a restart loses no pending retry, and no driver slot is held while waiting. On
 * the channel's last attempt (`maxAttempts`, never beyond VEXTIR_MAX_DELIVERY_COUNT, where the
 * kernel would dead-letter the event without an answer) the driver answers
 * `notification.failed` with `deadLettered: true` and keeps the log as the dead letter.
 *
 * Sending once: every attempt carries the same `Vextir-Idempotency-Key` (the driver's key, the
 * same on every redelivery); once the receiver accepted, the log says so before the driver
 * returns, and a redelivery answers from it without POSTing again. Only a crash between the
 * receiver's 2xx and that write can repeat a POST, with the same key, for the receiver to drop.
 *
 * External: with the default policies a notification carrying personal data reaches the
 * channel redacted.
 */
import { KernelError, type Driver, type EmittedEvent, type StateStore } from '../../kernel/index.js';
import { defineDriver } from '../define-driver.js';
import { channelRefusal, type WebhookChannel } from './channels.js';
import { NOTIFICATION_DELIVERED, NOTIFICATION_FAILED, NOTIFICATION_SEND, NOTIFICATION_URGENT, notificationSendSchema, type NotificationDelivered, type NotificationFailed } from './contract.js';
import { postToChannel } from './deliver.js';
import { DeliveryLogs } from './delivery-log.js';
import { webhookBody } from './payload.js';

export interface NotificationsDriverOptions {
  channels: ReadonlyMap<string, WebhookChannel>;
  state: StateStore;
  /** VEXTIR_MAX_DELIVERY_COUNT: the kernel dead-letters at this delivery, so the driver answers by then. */
  maxDeliveryCount: number;
}

export function createNotificationsDriver(options: NotificationsDriverOptions): Driver {
  const logs = new DeliveryLogs(options.state);
  return defineDriver({
    manifest: {
      id: 'notifications',
      name: 'Notifications',
      version: '1.0.0',
      type: 'io',
      author: 'Vextir OS',
      description: 'Delivers notification.send and notification.urgent to configured webhook channels (signed JSON, Slack, Teams), with retries and a dead letter',
      capabilities: [NOTIFICATION_SEND, NOTIFICATION_URGENT],
      external: true,
      // Above the longest channel timeout (60 s), so a slow receiver is an attempt, not a driver timeout.
      resources: { timeout: '90s', maxConcurrency: 64 },
    },
    async handle(event, context) {
      const parsed = notificationSendSchema.safeParse(event.data);
      const named = (event.data as { channel?: unknown } | undefined)?.channel;
      const channelId = typeof named === 'string' ? named.slice(0, 64) : '';
      const fail = (code: NotificationFailed['code'], reason: string): EmittedEvent[] => [answer(NOTIFICATION_FAILED, { requestId: event.id, channel: channelId, code, reason, attempts: [], deadLettered: false })];
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail('invalid_request', `invalid ${event.type}: ${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'bad shape'}`);
      }
      const request = parsed.data;
      const channel = options.channels.get(request.channel);
      if (channel === undefined) return fail('unknown_channel', `no notification channel "${request.channel}" is configured (channels: ${[...options.channels.keys()].join(', ') || 'none'})`);
      const refusal = channelRefusal(channel, event.userid);
      if (refusal !== undefined) return fail('forbidden', refusal);

      let log = await logs.read(event.userid, event.id, request);
      if (log.outcome !== undefined) return [answer(log.outcome.kind === 'delivered' ? NOTIFICATION_DELIVERED : NOTIFICATION_FAILED, log.outcome.answer)];

      const attempt = log.attempts.length + 1;
      const now = context.clock.now();
      const result = await postToChannel({ channel, body: webhookBody(channel, event, request), eventId: event.id, idempotencyKey: context.idempotencyKey, attempt, now, signal: context.signal });
      log = { ...log, attempts: [...log.attempts, { attempt, at: now.toISOString(), ...('status' in result && result.status !== undefined && { status: result.status }), ...('error' in result && { error: result.error }) }] };

      if (result.kind === 'delivered') {
        const delivered: NotificationDelivered = { requestId: event.id, channel: channel.id, status: result.status, attempts: log.attempts, deliveredAt: now.toISOString() };
        await logs.save(event.userid, event.id, { ...log, outcome: { kind: 'delivered', answer: delivered } });
        return [answer(NOTIFICATION_DELIVERED, delivered)];
      }
      const lastAttempt = attempt >= channel.maxAttempts || context.attempt >= options.maxDeliveryCount;
      if (result.kind === 'retry' && !lastAttempt) {
        await logs.save(event.userid, event.id, log);
        context.logger.info({ channel: channel.id, attempt, error: result.error }, 'notification not delivered yet; it will be retried');
        throw new KernelError('unavailable', `notification to "${channel.id}" not delivered on attempt ${attempt}: ${result.error}`, { retryable: true, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) });
      }
      const failed: NotificationFailed = {
        requestId: event.id,
        channel: channel.id,
        code: result.kind === 'rejected' ? 'rejected' : 'gave_up',
        reason: result.kind === 'rejected' ? result.error : `gave up after ${attempt} attempts: ${result.error}`,
        ...(result.status !== undefined && { status: result.status }),
        attempts: log.attempts,
        deadLettered: result.kind === 'retry',
      };
      await logs.save(event.userid, event.id, { ...log, outcome: { kind: 'failed', answer: failed } });
      return [answer(NOTIFICATION_FAILED, failed)];
    },
  });
}

function answer(type: string, data: NotificationDelivered | NotificationFailed): EmittedEvent {
  return { type, data, category: 'output' };
}
