/** The port contracts against the in-memory adapters, and what only the memory store does. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryAuditLog, MemoryContextStore, MemoryEventStore, MemoryQueue, MemoryStateStore } from '../../src/adapters/memory/index.js';
import type { MemoryAuditRow } from '../../src/adapters/memory/event-store.js';
import { auditChainContract } from './audit-chain-contract.js';
import { contextStoreContract } from './context-store-contract.js';
import { eventQueueContract } from './event-queue-contract.js';
import { eventStoreContract } from './event-store-contract.js';
import { recordOf } from './fixtures.js';
import { stateStoreContract } from './state-store-contract.js';

eventQueueContract('memory', ({ clock, lockMs, maxDeliveryCount }) => {
  const store = new MemoryEventStore();
  const audit = new MemoryAuditLog();
  const queue = new MemoryQueue({ clock, lockMs, maxDeliveryCount });
  queue.bindStore(store, audit);
  return { clock, queue, store, audit, deadLetters: () => [...queue.deadLetters].reverse(), close: () => undefined };
});

eventStoreContract('memory', () => ({ store: new MemoryEventStore(), audit: new MemoryAuditLog(), close: () => undefined }));

describe('MemoryEventStore', () => {
  it('takes a saved record over: changing it afterwards throws instead of changing what is stored', async () => {
    const store = new MemoryEventStore();
    const record = recordOf('alice', 'e1', 'demo.ping', '2026-01-01T00:00:01.000Z');
    await store.save(record);
    assert.throws(() => {
      record.status = 'failed';
    }, TypeError);
    assert.throws(() => record.children.push('late'), TypeError);
    assert.throws(() => {
      (record.event as { type: string }).type = 'other';
    }, TypeError);
    assert.equal((await store.get('alice', 'e1'))?.status, 'processed');
  });
});

stateStoreContract('memory', (clock) => ({ state: new MemoryStateStore({ clock }), close: () => undefined }));

contextStoreContract('memory', ({ clock, limits }) => ({ store: new MemoryContextStore({ clock, limits }), close: () => undefined }));

auditChainContract('memory', () => {
  const rows = new Map<string, MemoryAuditRow[]>();
  const rowAt = (userId: string, seq: number): { list: MemoryAuditRow[]; index: number } => {
    const list = rows.get(userId) ?? [];
    const index = list.findIndex((row) => row.seq === seq);
    if (index < 0) throw new Error(`no audit row ${userId}/${seq}`);
    return { list, index };
  };
  return {
    audit: new MemoryAuditLog({ rows }),
    second: () => new MemoryAuditLog({ rows }),
    tamper: async (userId, seq, change) => {
      const { list, index } = rowAt(userId, seq);
      const stored = JSON.parse(list[index]!.text) as Record<string, unknown>;
      change(stored);
      list[index]!.text = JSON.stringify(stored);
    },
    remove: async (userId, seq) => {
      const { list, index } = rowAt(userId, seq);
      list.splice(index, 1);
    },
    close: () => undefined,
  };
});
