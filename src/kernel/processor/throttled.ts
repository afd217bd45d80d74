/**
 * Which round of a throttled event a delivery belongs to, and the count of delayed events.
 *
 * Each time a throttle policy delays an event, the event is published again under a new release
 * name, `throttle:<n>` (n = how often it was throttled), and its record says `throttled` with that
 * count. Where bus and record are not one transaction (Azure: send -> record -> settle), a crash
 * can leave two messages of one event on the bus:
 *
 * - the delivery that was throttled, redelivered after its re-publication was recorded: it is
 *   superseded, and must neither run the event nor throttle it into a round that exists already;
 * - the re-publication itself, while the record still shows the round before it (the crash came
 *   between the send and the record): it is the newest round, and throttling it again must use
 *   the next name, not its own (which duplicate detection would drop, losing the event).
 *
 * The message id tells them apart: it is the delivery key of the release the message was sent
 * under. Without one (a caller that does not know it) a delivery counts as the recorded round.
 */
import type { Envelope } from '../envelope.js';
import { deliveryKey, isDeliveryOf } from '../ids.js';
import type { Logger } from '../ports/logger.js';
import type { DelayedEventCounter, DelayedSlot } from '../ports/usage.js';
import type { EventRecord, ThrottleDecision } from '../records.js';
import { throttleRelease, windowStart } from '../throttle.js';
import type { Outcome } from './outcome.js';

export type ThrottleRound =
  /** A delivery of the newest round: `count` throttles before it; `waited` is the slot it was delayed to, when the record knows it. */
  | { kind: 'current'; count: number; waited?: DelayedSlot }
  | { kind: 'superseded'; count: number };

/**
 * The round of a delivery. Hashes only for events whose record says `throttled` (the common
 * case, an event never throttled, costs nothing); `lagging` covers the rest when it matters.
 */
export function throttleRound(event: Envelope, previous: EventRecord | undefined, messageId: string | undefined): ThrottleRound {
  const recorded = previous?.throttle;
  if (previous?.status !== 'throttled' || recorded === undefined) return { kind: 'current', count: recorded?.count ?? 0 };
  if (messageId === undefined || messageId === '' || isRound(event, messageId, recorded.count)) {
    return { kind: 'current', count: recorded.count, waited: slotOf(recorded) };
  }
  if (isRound(event, messageId, recorded.count + 1)) return { kind: 'current', count: recorded.count + 1 };
  return { kind: 'superseded', count: recorded.count };
}

/**
 * The count to throttle from: one more when this delivery is a re-publication the record does
 * not show yet (see above). Only asked when the event is throttled again, so hashing is rare.
 */
export function throttlesBefore(event: Envelope, round: ThrottleRound & { kind: 'current' }, messageId: string | undefined): number {
  if (round.waited !== undefined || messageId === undefined || messageId === '') return round.count;
  return isRound(event, messageId, round.count + 1) ? round.count + 1 : round.count;
}

/** The slot a throttle decision delays an event to. */
export function slotOf(throttle: Pick<ThrottleDecision, 'window' | 'runAt'>): DelayedSlot {
  return { window: throttle.window, start: windowStart(throttle.window, new Date(throttle.runAt)) };
}

/**
 * Moves the user's count of delayed events: out of the slot this delivery waited in, once it
 * leaves `throttled`, and into the next one when it is throttled again. A failure is logged:
 * the bound at ingress is an estimate, and its counters expire (see DelayedEventCounter).
 */
export async function countDelayed(counter: DelayedEventCounter, logger: Logger, event: Envelope, waited: DelayedSlot | undefined, outcome: Outcome & { record: EventRecord }): Promise<void> {
  const to = outcome.kind === 'delay' && outcome.record.throttle ? slotOf(outcome.record.throttle) : undefined;
  if (waited === undefined && to === undefined) return;
  try {
    await counter.moved(event.userid, { ...(waited && { from: waited }), ...(to && { to }) });
  } catch (error) {
    logger.error({ err: error, eventId: event.id }, 'could not count a delayed event; the ingress bound is off until its counter expires');
  }
}

function isRound(event: Envelope, messageId: string, count: number): boolean {
  return isDeliveryOf(messageId, deliveryKey(event.userid, event.id, throttleRelease(count)));
}
