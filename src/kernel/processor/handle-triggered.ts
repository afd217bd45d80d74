/**
 * Processing one message handed over by a trigger that settles it itself (the Functions host's
 * Service Bus trigger completes the message when this returns and abandons it when this throws).
 *
 * Order on Azure: run drivers -> send outputs -> write the record -> return (settle). A crash in
 * between leads to a redelivery that converges: outputs have deterministic ids, the record is
 * rewritten, and drivers that succeeded are not run again.
 */
import { KernelError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { applyOutcome, type OutcomeTargets } from './apply.js';
import type { DeliveryInfo, EventProcessor } from './processor.js';

/** Redelivers a message later. A trigger cannot delay an abandon, so the adapter re-sends a copy. */
export interface RetryScheduler {
  scheduleRetry(body: unknown, nextAttempt: number, delayMs: number): Promise<void>;
}

export interface TriggeredDeps {
  processor: EventProcessor;
  targets: OutcomeTargets;
  retries: RetryScheduler;
  logger: Logger;
}

export async function handleTriggeredMessage(body: unknown, delivery: DeliveryInfo, deps: TriggeredDeps): Promise<void> {
  const outcome = await deps.processor.process(body, delivery);
  switch (outcome.kind) {
    case 'skip':
      return;
    case 'complete':
    case 'delay':
      await applyOutcome(outcome, deps.targets);
      return;
    case 'retry':
      // Record first (so the redelivery skips drivers that succeeded), then the delayed copy;
      // returning completes the original.
      await applyOutcome(outcome, deps.targets);
      await deps.retries.scheduleRetry(body, delivery.deliveryCount + 1, outcome.retryAfterMs);
      return;
    case 'poison':
      // Not an event and never will be. Throwing abandons it; the queue dead-letters it at its
      // max delivery count (each attempt fails fast in validation).
      deps.logger.error({ reason: outcome.reason, description: outcome.description }, 'poison message: it will be dead-lettered');
      throw new KernelError('invalid_input', `poison message (${outcome.reason}): ${outcome.description}`, { retryable: false });
  }
}
