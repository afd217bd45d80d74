/**
 * The authorization stage's port. The security module provides implementations; the kernel
 * only knows that every event is asked about, and that an error denies (fail closed).
 */
import type { AuditDraft } from '../audit.js';
import type { Envelope } from '../envelope.js';
import type { Decision } from '../records.js';

export interface Authorization {
  decision: Decision;
  /**
   * The event as drivers whose manifest says `external` may see it, when that differs from the
   * event itself (personal data redacted). Other drivers get the event unchanged.
   */
  externalView?: Envelope;
  /** Entries for other users' audit chains, written with the event's own when it settles. */
  relatedAudit?: AuditDraft[];
}

export interface Authorizer {
  /** A short name recorded with every decision, e.g. `allow-all` or `policy-engine`. */
  readonly name: string;
  /** `attempt`: 1 on the event's first processing; counters count an event once. */
  authorize(event: Envelope, attempt: number): Promise<Authorization>;
}
