/**
 * What a settle writes besides the acknowledgement: the outcome's emissions, its record and its
 * audit entries, serialized before the transaction and written when `write` runs inside it. The
 * file's write lock, which every thread's connection waits for, is then held for the statements
 * only. The audit entries are chained in there: their hashes depend on the chain's head at that
 * moment. Emissions due now are leased to this connection's consumer as they are written, as far
 * as the eager places reserved allow (eager-deliveries.ts).
 */
import type { Outcome } from '../../kernel/index.js';
import type { EagerDeliveries } from './eager-deliveries.js';
import type { SqliteAuditLog } from './sqlite-audit-log.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import type { LeasedRow, SqliteQueueTables } from './sqlite-queue-tables.js';

export interface SettleWriters {
  tables: SqliteQueueTables;
  store: SqliteEventStore;
  audit: SqliteAuditLog;
  eager: EagerDeliveries;
}

export interface SettleWrites {
  /** Runs inside the settle's transaction; returns the follow-ups it leased (a duplicate is not). */
  write: () => LeasedRow[];
  /** Eager places reserved: give them back with `EagerDeliveries.settled` once the transaction ended. */
  reserved: number;
  /** Some messages were enqueued for any consumer (other connections' consumers may want waking). */
  enqueued: boolean;
}

export function prepareSettleWrites(writers: SettleWriters, outcome: Exclude<Outcome, { kind: 'skip' | 'poison' }>, at: Date): SettleWrites {
  const { tables, store, audit, eager } = writers;
  const now = at.getTime();
  const due = outcome.emissions.filter((emission) => emission.notBefore === undefined);
  const reserved = eager.reserve(due.length);
  const leasedNow = due.slice(0, reserved);
  const leases = leasedNow.map((emission) => tables.prepareEnqueueLeased(emission.event, now, tables.newLockToken()));
  const messages = outcome.emissions
    .filter((emission) => !leasedNow.includes(emission))
    .map((emission) => tables.prepareEnqueue(emission.event, emission.notBefore?.getTime() ?? now, now));
  if (outcome.kind === 'delay') {
    // A throttled event's next round, in the same transaction as the record that says so.
    const { event, notBefore, release } = outcome.republish;
    messages.push(tables.prepareEnqueue(event, notBefore.getTime(), now, release));
  }
  const saveRecord = store.prepareSave(outcome.record);
  const entries = outcome.related ? [outcome.audit, ...outcome.related] : [outcome.audit];
  const write = (): LeasedRow[] => {
    for (const enqueue of messages) enqueue();
    const leased = leases.flatMap((lease) => lease() ?? []);
    saveRecord();
    audit.appendInTransaction(entries);
    return leased;
  };
  return { write, reserved, enqueued: messages.length > 0 };
}
