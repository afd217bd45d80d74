/** The port contracts against the SQLite adapters (the embedded default). */
import { auditChainContract } from './audit-chain-contract.js';
import { contextStoreContract } from './context-store-contract.js';
import { eventQueueContract } from './event-queue-contract.js';
import { eventStoreContract } from './event-store-contract.js';
import { openTempStorage } from './sqlite-harness.js';
import { stateStoreContract } from './state-store-contract.js';

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

// The sibling is a second connection to the same file.
stateStoreContract('sqlite', (clock) => {
  const storage = openTempStorage({ clock });
  return { state: storage.state, sibling: () => storage.reopen().state, close: storage.dispose };
});

contextStoreContract('sqlite', ({ clock, limits }) => {
  const storage = openTempStorage({ clock, contextLimits: limits });
  return { store: storage.context, close: storage.dispose };
});

auditChainContract('sqlite', () => {
  const storage = openTempStorage();
  const select = storage.db.prepare<[string, number], { entry: string }>('SELECT entry FROM audit_entries WHERE user_id = ? AND chain_seq = ?');
  return {
    audit: storage.audit,
    // Another connection to the same file, as another process would open it.
    second: () => storage.reopen().audit,
    tamper: async (userId, seq, change) => {
      const stored = JSON.parse(select.get(userId, seq)!.entry) as Record<string, unknown>;
      change(stored);
      storage.db.prepare('UPDATE audit_entries SET entry = ? WHERE user_id = ? AND chain_seq = ?').run(JSON.stringify(stored), userId, seq);
    },
    remove: async (userId, seq) => {
      storage.db.prepare('DELETE FROM audit_entries WHERE user_id = ? AND chain_seq = ?').run(userId, seq);
    },
    close: storage.dispose,
  };
});
