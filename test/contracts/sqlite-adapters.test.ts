/** The port contracts against the SQLite adapters (the embedded default). */
import { eventQueueContract } from './event-queue-contract.js';
import { eventStoreContract } from './event-store-contract.js';
import { openTempStorage } from './sqlite-harness.js';

eventQueueContract('sqlite', ({ clock, lockMs, maxDeliveryCount }) => {
  const storage = openTempStorage({ clock, lockMs, maxDeliveryCount });
  return {
    clock,
    queue: storage.queue,
    store: storage.store,
    audit: storage.audit,
    deadLetters: () => storage.queue.listDeadLetters(100),
    close: storage.dispose,
  };
});

eventStoreContract('sqlite', () => {
  const storage = openTempStorage();
  return { store: storage.store, audit: storage.audit, close: storage.dispose };
});
