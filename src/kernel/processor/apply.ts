/**
 * Makes an Outcome durable where bus and store are separate services (Azure, and any adapter
 * without a shared transaction). The order matters: send the outputs, append the audit entry,
 * then write the record. A crash in between leads to a redelivery that re-emits the same
 * deterministic ids (dropped as duplicates) and writes the same record: it converges. The
 * audit entry goes before the record because a completed record ends redeliveries: an entry
 * appended after it could be lost for good, while one appended before costs at most an extra
 * entry for the re-run. A throttled event's re-publication is sent with the outputs, before the
 * record that says it exists (see throttled.ts for the redelivery that finds it sent but not recorded).
 */
import type { AuditLog } from '../audit.js';
import type { Envelope } from '../envelope.js';
import type { EventBus } from '../ports/bus.js';
import type { EventStore } from '../ports/store.js';
import type { Emission, Outcome } from './outcome.js';

export interface OutcomeTargets {
  bus: EventBus;
  store: EventStore;
  audit: AuditLog;
}

export async function applyOutcome(outcome: Outcome, targets: OutcomeTargets): Promise<void> {
  if (outcome.kind !== 'complete' && outcome.kind !== 'retry' && outcome.kind !== 'delay') return;
  await publishEmissions(outcome.emissions, targets.bus);
  if (outcome.kind === 'delay') {
    const { event, notBefore, release } = outcome.republish;
    await targets.bus.publish([event], { notBefore, release });
  }
  await targets.audit.append(outcome.related ? [outcome.audit, ...outcome.related] : [outcome.audit]);
  await targets.store.save(outcome.record);
}

/** Publish emissions, grouping the scheduled ones by their delivery instant. */
export async function publishEmissions(emissions: readonly Emission[], bus: EventBus): Promise<void> {
  const immediate: Envelope[] = [];
  let scheduled = false;
  for (const emission of emissions) {
    if (emission.notBefore === undefined) immediate.push(emission.event);
    else scheduled = true;
  }
  if (immediate.length > 0) await bus.publish(immediate);
  if (!scheduled) return;
  for (const emission of emissions) {
    if (emission.notBefore !== undefined) await bus.publish([emission.event], { notBefore: emission.notBefore });
  }
}
