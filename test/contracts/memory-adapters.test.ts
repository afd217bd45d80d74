/** The port contracts against the in-memory adapters. */
import { MemoryAuditLog, MemoryEventStore, MemoryQueue } from '../../src/adapters/memory/index.js';
import { eventQueueContract } from './event-queue-contract.js';
import { eventStoreContract } from './event-store-contract.js';

eventQueueContract('memory', ({ clock, lockMs, maxDeliveryCount }) => {
  const store = new MemoryEventStore();
  const audit = new MemoryAuditLog();
  const queue = new MemoryQueue({ clock, lockMs, maxDeliveryCount });
  queue.bindStore(store, audit);
  return { clock, queue, store, audit, deadLetters: () => [...queue.deadLetters].reverse(), close: () => undefined };
});

eventStoreContract('memory', () => ({ store: new MemoryEventStore(), audit: new MemoryAuditLog(), close: () => undefined }));
