/**
 * The audit trail: append-only, one hash chain per user. Three kinds of entries:
 * - `event`: a processing decision (which authorizer said what, which drivers ran, what they emitted);
 * - `access`: a request the API refused (unauthenticated, forbidden, a spoofed attribute);
 * - `admin`: a change to the rules (policies replaced, a grant given, an approval decided).
 *
 * The log assigns `seq`, `prevHash` and `hash` on append: `hash` is the SHA-256 of the entry's
 * canonical JSON (RFC 8785) without `hash`, and `prevHash` is the previous entry's `hash` in
 * the same user's chain (64 zeros for the first). Changing, removing or reordering any entry
 * breaks the chain from there on; see audit-chain.ts (also for what the chain does not prove).
 *
 * Evolving this schema: add OPTIONAL fields without defaults only. Stored entries are re-parsed
 * with this schema before their hash is checked, so a new default or a removed field would
 * change the hash of every entry already written.
 */
import { z } from 'zod';
import { decisionSchema, errorInfoSchema, eventStatusSchema } from './records.js';

export const auditKindSchema = z.enum(['event', 'access', 'admin']);
export type AuditKind = z.infer<typeof auditKindSchema>;

export const auditEntrySchema = z.object({
  userId: z.string(),
  id: z.string(),
  at: z.string(),
  kind: auditKindSchema.default('event'),
  /** Position in the user's chain, from 1. Assigned by the log. */
  seq: z.number().int().min(1).optional(),
  prevHash: z.string().optional(),
  hash: z.string().optional(),

  // kind `event`
  eventId: z.string().optional(),
  eventType: z.string().optional(),
  attempt: z.number().int().optional(),
  /** The status the event reached with this decision (`accepted` while it will be retried). */
  status: eventStatusSchema.optional(),
  decision: decisionSchema.optional(),
  drivers: z.array(z.string()).default([]),
  emitted: z.array(z.string()).default([]),
  error: errorInfoSchema.optional(),

  // kinds `access` and `admin`
  /** What was attempted or done, e.g. `http.request`, `policies.put`, `approval.approve`. */
  action: z.string().optional(),
  /** What it was done to: a path, a policy scope, an approval id. */
  target: z.string().optional(),
  request: z.object({ method: z.string(), path: z.string(), status: z.number().int() }).optional(),
  reason: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
/** An entry before the log has placed it in its chain. */
export type AuditDraft = Omit<z.input<typeof auditEntrySchema>, 'seq' | 'prevHash' | 'hash'>;

export interface AuditLog {
  /**
   * Append in order, extending each user's chain: the log assigns seq, prevHash and hash
   * (chainEntry). Each user's chain stays linear however many appends run at once.
   */
  append(entries: readonly AuditDraft[]): Promise<void>;
  /** Newest first. */
  list(userId: string, query: { eventId?: string; limit: number }): Promise<AuditEntry[]>;
  /** One user's chain, oldest first: the entries with `seq` greater than `afterSeq`. */
  chain(userId: string, query: { afterSeq: number; limit: number }): Promise<AuditEntry[]>;
}
