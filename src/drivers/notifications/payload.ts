/**
 * The body each channel format receives. The same notification gives the same body on every
 * attempt (the signature's timestamp is what changes), so a receiver can compare retries.
 *
 * A `notification.urgent` says so where each receiver looks: `priority: "urgent"` in the signed
 * JSON (a normal notification has no `priority`, so its body is as before), and the title
 * prefixed with URGENT_PREFIX in Slack and Teams, which people read (Teams also colours it).
 */
import type { Envelope } from '../../kernel/index.js';
import { NOTIFICATION_URGENT, type NotificationSend } from './contract.js';
import type { WebhookChannel } from './channels.js';

const URGENT_PREFIX = '[URGENT] ';

export function webhookBody(channel: WebhookChannel, event: Envelope, notification: NotificationSend): string {
  const urgent = event.type === NOTIFICATION_URGENT;
  const title = urgent ? `${URGENT_PREFIX}${notification.title}` : notification.title;
  switch (channel.format) {
    case 'json':
      return JSON.stringify({
        id: event.id,
        type: 'notification',
        channel: channel.id,
        ...(urgent && { priority: 'urgent' }),
        title: notification.title,
        text: notification.text,
        ...(notification.data !== undefined && { data: notification.data }),
        time: event.time,
      });
    case 'slack':
      // Slack incoming webhooks: `text` is the fallback (notifications, old clients); blocks render.
      return JSON.stringify({
        text: `${title}\n${notification.text}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
          ...(notification.text === '' ? [] : [{ type: 'section', text: { type: 'mrkdwn', text: notification.text.slice(0, 3000) } }]),
        ],
      });
    case 'teams':
      // Teams incoming webhooks (Workflows): a message carrying one Adaptive Card.
      return JSON.stringify({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true, ...(urgent && { color: 'Attention' }) },
                ...(notification.text === '' ? [] : [{ type: 'TextBlock', text: notification.text, wrap: true }]),
              ],
            },
          },
        ],
      });
  }
}
