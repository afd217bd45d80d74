/** The built-in `notifications` driver (webhook channels) and what webhook receivers need to verify it. */
export { channelRefusal, notificationsSectionSchema, resolveChannels, webhookChannelSchema, type NotificationsSection, type WebhookChannel, type WebhookChannelConfig } from './channels.js';
export {
  NOTIFICATION_DELIVERED,
  NOTIFICATION_FAILED,
  NOTIFICATION_SEND,
  NOTIFICATION_URGENT,
  notificationDeliveredSchema,
  notificationFailedSchema,
  notificationSendSchema,
  type NotificationDelivered,
  type NotificationFailed,
  type NotificationSend,
} from './contract.js';
export { createNotificationsDriver, type NotificationsDriverOptions } from './notifications-driver.js';
export { ATTEMPT_HEADER, EVENT_ID_HEADER, IDEMPOTENCY_KEY_HEADER, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature, type Verification, type VerifyOptions } from './signature.js';
