/**
 * Accepting events from the outside world (HTTP, CLI, Service Bus producers go straight to the
 * bus). Idempotent: re-sending an event with the same id and content is acknowledged again and
 * not processed twice; reusing an id for different content is a conflict.
 */
import type { Envelope } from './envelope.js';
import { KernelError } from './errors.js';
import type { EventBus } from './ports/bus.js';
import type { Clock } from './ports/clock.js';
import type { EventStore } from './ports/store.js';
import { eventDigest } from './ids.js';
import type { EventRecord } from './records.js';

export interface IngestResult {
  ids: string[];
  /** Ids that had been accepted before (idempotent re-sends). */
  duplicates: string[];
}

export interface IngressDeps {
  bus: EventBus;
  store: EventStore;
  clock: Clock;
  /**
   * True when bus and store commit in one transaction (the embedded SQLite file): publish and
   * record are then issued together and land in the same commit, atomically and with one wait.
   */
  sharedCommit?: boolean;
}

export interface IngestOptions {
  /** Deliver no earlier than this instant (a schedule's slot, published ahead of time). */
  notBefore?: Date;
}

/** Accept events that all belong to `userId` (already stamped from the verified token). */
export async function ingest(events: readonly Envelope[], deps: IngressDeps, options: IngestOptions = {}): Promise<IngestResult> {
  const ids = events.map((event) => event.id);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new KernelError('invalid_input', `event id "${id}" appears more than once in the batch`, { details: { id } });
    seen.add(id);
  }
  const userId = events[0]?.userid;
  if (userId === undefined) return { ids: [], duplicates: [] };
  const existing = new Map((await deps.store.getMany(userId, ids)).map((record) => [record.id, record]));
  const now = deps.clock.now().toISOString();
  const records: EventRecord[] = [];
  const duplicates: string[] = [];
  const toPublish: Envelope[] = [];
  for (const event of events) {
    const digest = eventDigest(event);
    const previous = existing.get(event.id);
    // A record without a digest belongs to an event emitted inside the system: never the same event.
    if (previous && previous.digest !== digest) {
      throw new KernelError('conflict', `event id "${event.id}" was already used for an event with different content`, {
        details: { id: event.id, status: previous.status },
      });
    }
    if (previous) duplicates.push(event.id);
    // A re-sent event still `accepted` is published again: the bus drops it if it is queued,
    // and it is queued if a crash came between the record and the publish.
    if (!previous || previous.status === 'accepted') toPublish.push(event);
    if (!previous) records.push(acceptedRecord(event, digest, now));
  }
  const publishOptions = options.notBefore === undefined ? undefined : { notBefore: options.notBefore };
  const publish = (): Promise<void> => (toPublish.length > 0 ? deps.bus.publish(toPublish, publishOptions) : Promise.resolve());
  const record = (): Promise<void> => (records.length > 0 ? deps.store.insertAccepted(records) : Promise.resolve());
  if (deps.sharedCommit) {
    await Promise.all([publish(), record()]);
  } else {
    // Publish first: a crash before the record is written leaves a queued event that the
    // processor records anyway; the reverse order could leave a record for an event never queued.
    await publish();
    await record();
  }
  return { ids, duplicates };
}

function acceptedRecord(event: Envelope, digest: string, now: string): EventRecord {
  return {
    userId: event.userid,
    id: event.id,
    type: event.type,
    status: 'accepted',
    digest,
    event,
    receivedAt: now,
    updatedAt: now,
    attempts: 0,
    drivers: [],
    children: [],
  };
}
