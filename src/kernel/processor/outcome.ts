/**
 * What processing one delivery decided. The processor computes an Outcome without writing
 * anything (drivers aside); a QueueConsumer or `applyOutcome` makes it durable.
 */
import type { Envelope } from '../envelope.js';
import type { AuditDraft } from '../audit.js';
import type { ErrorInfo, EventRecord } from '../records.js';

/**
 * `related`: entries for other users' audit chains that this decision concerns (a user's
 * context read through their grant is recorded in that owner's chain too). Appended with `audit`.
 */
/** An event to put on the bus, possibly not before a given instant. */
export interface Emission {
  event: Envelope;
  notBefore?: Date;
}

export type Outcome =
  /** Done for good (processed, failed, denied or dead-lettered): emit, record, acknowledge. */
  | { kind: 'complete'; record: EventRecord; emissions: Emission[]; audit: AuditDraft; related?: AuditDraft[] }
  /**
   * A retryable failure: emit what the drivers that succeeded returned, record their runs
   * (so a redelivery does not run them again), and redeliver after `retryAfterMs`.
   */
  | { kind: 'retry'; record: EventRecord; emissions: Emission[]; audit: AuditDraft; related?: AuditDraft[]; retryAfterMs: number; error: ErrorInfo }
  /**
   * A throttle policy delayed the event: emit what the decision emits (notifications), publish the
   * event itself again not before `republish.notBefore` under the release name `republish.release`
   * (PublishOptions.release: duplicate detection lets it through once), record it `throttled`, and
   * acknowledge this delivery. Without a shared transaction the order is emit, re-publish, audit,
   * record, settle: a crash before the record leads to a redelivery that re-publishes under the
   * same name, which is dropped.
   */
  | {
      kind: 'delay';
      record: EventRecord;
      emissions: Emission[];
      audit: AuditDraft;
      related?: AuditDraft[];
      republish: { event: Envelope; notBefore: Date; release: string };
    }
  /** Already final (a duplicate delivery, or a throttled event's superseded message): acknowledge and do nothing else. */
  | { kind: 'skip'; reason: string }
  /** The message is not a valid event and never will be: dead-letter it. */
  | { kind: 'poison'; reason: string; description: string };
