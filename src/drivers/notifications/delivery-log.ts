/**
 * The durable account of one notification's delivery, in the StateStore (kind
 * `notification-delivery`, the user's partition, keyed by the notification.send event's id):
 * every attempt made, and the final answer once there is one. A redelivery of the event reads
 * it first: after a delivery it answers again without a second POST, and the attempts of
 * earlier deliveries count toward the channel's limit. A failed one that gave up is the
 * notification's dead letter: the request as sent, with every attempt.
 */
import { z } from 'zod';
import type { StateStore } from '../../kernel/index.js';
import { deliveryAttemptSchema, notificationDeliveredSchema, notificationFailedSchema, notificationSendSchema, type NotificationSend } from './contract.js';

export const DELIVERY_KIND = 'notification-delivery';

const deliveryLogSchema = z.strictObject({
  request: notificationSendSchema,
  attempts: z.array(deliveryAttemptSchema),
  outcome: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('delivered'), answer: notificationDeliveredSchema }),
    z.strictObject({ kind: z.literal('failed'), answer: notificationFailedSchema }),
  ]).optional(),
});
export type DeliveryLog = z.infer<typeof deliveryLogSchema>;

export class DeliveryLogs {
  constructor(private readonly state: StateStore) {}

  async read(userId: string, eventId: string, request: NotificationSend): Promise<DeliveryLog> {
    const item = await this.state.get(userId, DELIVERY_KIND, eventId);
    return item === undefined ? { request, attempts: [] } : deliveryLogSchema.parse(item.value);
  }

  /** One write per attempt: the attempt, and the outcome when there is one. */
  async save(userId: string, eventId: string, log: DeliveryLog): Promise<void> {
    await this.state.put(userId, DELIVERY_KIND, eventId, log);
  }
}
