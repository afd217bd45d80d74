/**
 * The record of one delivery as the processor builds it (started from the previous delivery's,
 * its children added, its audit entry drafted), the span that describes it, and what its drivers
 * spent, counted for rate limits and budgets.
 */
import { randomUUID } from 'node:crypto';
import { eventAuditDraft, type AuditDraft } from '../audit.js';
import type { Envelope } from '../envelope.js';
import { toKernelError } from '../errors.js';
import { isoNow, type Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { TraceSpan } from '../ports/tracing.js';
import type { CostAttribution, UsageDelta, UsageRecorder } from '../ports/usage.js';
import type { Decision, EventRecord, ModelUsage } from '../records.js';
import type { Emission, Outcome } from './outcome.js';
import type { DriverResult } from './run-driver.js';

export function startRecord(clock: Clock, event: Envelope, previous: EventRecord | undefined, attempt: number): EventRecord {
  const now = isoNow(clock);
  const record: EventRecord = {
    userId: event.userid,
    id: event.id,
    type: event.type,
    status: 'accepted',
    event,
    receivedAt: previous?.receivedAt ?? now,
    updatedAt: now,
    attempts: attempt,
    drivers: previous ? [...previous.drivers] : [],
    children: previous ? [...previous.children] : [],
  };
  if (previous?.digest !== undefined) record.digest = previous.digest;
  if (previous?.throttle !== undefined) record.throttle = previous.throttle;
  return record;
}

export function addChildren(record: EventRecord, emissions: Emission[]): void {
  if (record.children.length === 0) {
    // A first delivery (the usual case): emission ids are distinct by construction.
    for (const emission of emissions) record.children.push(emission.event.id);
    return;
  }
  const known = new Set(record.children);
  for (const emission of emissions) if (!known.has(emission.event.id)) record.children.push(emission.event.id);
}

export function auditOf(record: EventRecord, decision: Decision | undefined): AuditDraft {
  return eventAuditDraft({
    userId: record.userId,
    id: randomUUID(),
    at: record.updatedAt,
    eventId: record.id,
    eventType: record.type,
    attempt: record.attempts,
    status: record.status,
    drivers: driversOfAttempt(record),
    // A copy: the record's list may still grow on a later delivery; the entry must not.
    emitted: [...record.children],
    decision,
    error: record.error,
  });
}

/** The drivers that ran on the record's current attempt. */
function driversOfAttempt(record: EventRecord): string[] {
  const drivers: string[] = [];
  for (const run of record.drivers) if (run.attempt === record.attempts) drivers.push(run.driver);
  return drivers;
}

/**
 * Counts the event (once, on the delivery that was allowed first) and what its drivers reported
 * spending, for rate limits and budgets. A counting failure does not undo work already done.
 */
export async function recordUsage(deps: { clock: Clock; logger: Logger }, usage: UsageRecorder, event: Envelope, results: readonly DriverResult[], events: number): Promise<void> {
  let tokens = 0;
  let costUsd = 0;
  let models: ModelUsage[] | undefined;
  let spentBy: CostAttribution[] | undefined;
  for (const { run } of results) {
    tokens += run.usage?.tokens ?? 0;
    const cost = run.usage?.costUsd ?? 0;
    costUsd += cost;
    if (run.usage?.models) (models ??= []).push(...run.usage.models);
    // Who spent it (a skill pack's ceiling counts it); built only when something cost money.
    if (cost > 0) (spentBy ??= []).push(event.producer === undefined ? { driver: run.driver, costUsd: cost } : { driver: run.driver, producer: event.producer, costUsd: cost });
  }
  if (events === 0 && tokens === 0 && costUsd === 0 && models === undefined) return;
  const delta: UsageDelta = models ? { events, tokens, costUsd, models } : { events, tokens, costUsd };
  if (spentBy) delta.spentBy = spentBy;
  try {
    await usage.add(event.userid, deps.clock.now(), delta);
  } catch (error) {
    deps.logger.error({ err: error, eventId: event.id, tokens, costUsd }, 'could not record usage; budgets will undercount it');
  }
}

/** What the delivery's span says of its outcome; a retry or a failure ends it in error. */
export function endEventSpan(span: TraceSpan, outcome: Outcome): void {
  switch (outcome.kind) {
    case 'skip':
    case 'poison':
      span.setAttributes({ 'vextir.outcome': outcome.kind, 'vextir.outcome.reason': outcome.reason });
      span.end();
      return;
    case 'retry':
      span.setAttributes({ 'vextir.outcome': 'retry', 'vextir.event.status': 'retrying', 'vextir.retry_after_ms': outcome.retryAfterMs });
      span.end(outcome.error);
      return;
    default: {
      const { record } = outcome;
      span.setAttributes({ 'vextir.outcome': outcome.kind, 'vextir.event.status': record.status, 'vextir.event.children': record.children.length, 'vextir.authorizer': record.decision?.authorizer });
      span.end(record.status === 'failed' || record.status === 'dead_lettered' ? record.error : undefined);
    }
  }
}

export function endWithError(span: TraceSpan, caught: unknown): void {
  const error = toKernelError(caught);
  span.end({ code: error.code, message: error.message });
}
