/**
 * The body each channel format receives. The same notification gives the same body on every
 * attempt (the signature's timestamp is what changes), so a receiver can compare retries.
 */
import type { Envelope } from '../../kernel/index.js';
import type { NotificationSend } from './contract.js';
import type { WebhookChannel } from './channels.js';

export function webhookBody(channel: WebhookChannel, event: Envelope, notification: NotificationSend): string {
  switch (channel.format) {
    case 'json':
      return JSON.stringify({
        id: event.id,
        type: 'notification',
        channel: channel.id,
        title: notification.title,
        text: notification.text,
        ...(notification.data !== undefined && { data: notification.data }),
        time: event.time,
      });
    case 'slack':
      // Slack incoming webhooks: `text` is the fallback (notifications, old clients); blocks render.
      return JSON.stringify({
        text: `${notification.title}\n${notification.text}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: notification.title.slice(0, 150) } },
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
                { type: 'TextBlock', text: notification.title, weight: 'Bolder', size: 'Medium', wrap: true },
                ...(notification.text === '' ? [] : [{ type: 'TextBlock', text: notification.text, wrap: true }]),
              ],
            },
          },
        ],
      });
  }
}
