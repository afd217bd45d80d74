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
import { KernelError } from './errors.js';
import { decisionSchema, errorInfoSchema, eventStatusSchema, type Decision, type ErrorInfo, type EventStatus } from './records.js';
import { isSealedDecision } from './sealed-decision.js';

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

/** The processor's entry for one decision, before the log chains it. */
export interface EventAuditFields {
  userId: string;
  id: string;
  at: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: EventStatus;
  drivers: string[];
  emitted: string[];
  decision?: Decision | undefined;
  error?: ErrorInfo | undefined;
}

/**
 * A draft in the schema's exact shape. A class, so that `isShapedDraft` is an `instanceof`
 * (a WeakSet of drafts cost more in garbage collection than the parse it saves).
 */
class ShapedEventDraft {
  readonly kind = 'event';
  readonly userId: string;
  readonly id: string;
  readonly at: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly status: EventStatus;
  readonly drivers: string[];
  readonly emitted: string[];
  readonly decision?: Decision;
  readonly error?: ErrorInfo;

  constructor(fields: EventAuditFields) {
    this.userId = fields.userId;
    this.id = fields.id;
    this.at = fields.at;
    this.eventId = fields.eventId;
    this.eventType = fields.eventType;
    this.attempt = fields.attempt;
    this.status = fields.status;
    this.drivers = fields.drivers;
    this.emitted = fields.emitted;
    // A sealed decision was parsed when it was sealed, and is shared by many events.
    if (fields.decision) this.decision = isSealedDecision(fields.decision) ? fields.decision : parsePart(decisionSchema, fields.decision, 'decision', fields.id);
    if (fields.error) this.error = parsePart(errorInfoSchema, fields.error, 'error', fields.id);
  }

  /** A plain object of one fixed shape (spreading a class instance made a slow one). */
  toEntry(): AuditEntry {
    const entry: AuditEntry = {
      userId: this.userId,
      id: this.id,
      at: this.at,
      kind: this.kind,
      eventId: this.eventId,
      eventType: this.eventType,
      attempt: this.attempt,
      status: this.status,
      drivers: this.drivers,
      emitted: this.emitted,
    };
    if (this.decision) entry.decision = this.decision;
    if (this.error) entry.error = this.error;
    return entry;
  }
}

/**
 * The `event` entry the processor drafts for every delivery, built in the schema's exact shape:
 * every default filled in, nothing the schema would drop. Its own fields are the processor's
 * typed values; the decision and the error, which come from an authorizer and a driver, are
 * parsed here. So the log need not parse the whole entry again (`shapedEntry`), which was a
 * tenth of the kernel's per-event cost; every other draft is parsed when it is chained.
 */
export function eventAuditDraft(fields: EventAuditFields): AuditDraft {
  return new ShapedEventDraft(fields);
}

/** For a draft from `eventAuditDraft`, the entry to chain, without parsing; otherwise undefined. */
export function shapedEntry(draft: AuditDraft): AuditEntry | undefined {
  return draft instanceof ShapedEventDraft ? draft.toEntry() : undefined;
}

function parsePart<T>(schema: z.ZodType<T>, value: unknown, field: string, id: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new KernelError('invalid_input', `audit entry ${id}: the ${field} does not match the audit schema`, { cause: parsed.error, retryable: false });
  return parsed.data;
}

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
