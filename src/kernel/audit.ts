/**
 * The audit trail: one entry per processing decision (who, what, which authorizer said what,
 * which drivers ran, what they emitted). Append-only.
 */
import { z } from 'zod';
import { decisionSchema, errorInfoSchema, eventStatusSchema } from './records.js';

export const auditEntrySchema = z.object({
  userId: z.string(),
  id: z.string(),
  at: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  attempt: z.number().int(),
  /** The status the event reached with this decision (`accepted` while it will be retried). */
  status: eventStatusSchema,
  decision: decisionSchema.optional(),
  drivers: z.array(z.string()),
  emitted: z.array(z.string()),
  error: errorInfoSchema.optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditLog {
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** Newest first. */
  list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]>;
}
