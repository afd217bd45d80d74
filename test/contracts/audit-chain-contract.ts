/**
 * The audit hash chain contract, run against every AuditLog adapter: chains stay linear under
 * sequential and concurrent appends (also from two log instances on one store), `chain` pages
 * oldest first, entries read back verify, and tampering with what is stored (an entry changed
 * or deleted in place, as someone with write access to the store would) is found and named.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { verifyAuditChain, verifyChainPages, type AuditDraft, type AuditEntry, type AuditLog } from '../../src/kernel/index.js';

export interface AuditChainHarness {
  audit: AuditLog;
  /** Another log over the same storage: another process (SQLite) or instance (Cosmos). */
  second(): AuditLog;
  /** Change the stored entry at `seq` of `userId` in place, bypassing the log. */
  tamper(userId: string, seq: number, change: (stored: Record<string, unknown>) => void): Promise<void>;
  /** Delete the stored entry at `seq` of `userId`, bypassing the log. */
  remove(userId: string, seq: number): Promise<void>;
  close(): void | Promise<void>;
}

export type OpenAuditChain = () => AuditChainHarness | Promise<AuditChainHarness>;

const AT = '2026-01-01T00:00:00.000Z';

function draft(userId: string, id: string, kind: 'event' | 'access' | 'admin' = 'event'): AuditDraft {
  switch (kind) {
    case 'access':
      return { userId, id, at: AT, kind, action: 'http.request', target: '/api/x', request: { method: 'GET', path: '/api/x', status: 403 }, reason: 'forbidden' };
    case 'admin':
      return { userId, id, at: AT, kind, action: 'policies.put', target: 'global', reason: 'replaced' };
    default:
      // As the processor drafts it: optional fields present but undefined, defaults left out.
      return { userId, id, at: AT, kind, eventId: `ev-${id}`, eventType: 'demo.ping', attempt: 1, status: 'processed', decision: { allowed: true, authorizer: 'allow-all', reason: 'ok' }, error: undefined };
  }
}

async function wholeChain(audit: AuditLog, userId: string): Promise<AuditEntry[]> {
  return audit.chain(userId, { afterSeq: 0, limit: 10_000 });
}

export function auditChainContract(adapter: string, open: OpenAuditChain): void {
  async function withLog(test: (h: AuditChainHarness) => Promise<void>): Promise<void> {
    const harness = await open();
    try {
      await test(harness);
    } finally {
      await harness.close();
    }
  }

  describe(`AuditLog chain contract: ${adapter}`, () => {
    it('chains each user separately, in append order, and the entries read back verify', () =>
      withLog(async ({ audit }) => {
        await audit.append([draft('alice', 'a1'), draft('bob', 'b1', 'access'), draft('alice', 'a2', 'admin')]);
        await audit.append([draft('alice', 'a3', 'access')]);
        await audit.append([]);
        const alice = await wholeChain(audit, 'alice');
        assert.deepEqual(alice.map((entry) => [entry.seq, entry.id, entry.kind]), [[1, 'a1', 'event'], [2, 'a2', 'admin'], [3, 'a3', 'access']]);
        assert.deepEqual(verifyAuditChain(alice), { ok: true, count: 3, head: { seq: 3, hash: alice[2]!.hash } });
        const bob = await wholeChain(audit, 'bob');
        assert.deepEqual(bob.map((entry) => entry.seq), [1]);
        assert.equal(verifyAuditChain(bob).ok, true);
        assert.deepEqual(await wholeChain(audit, 'carol'), []);
        const newest = await audit.list('alice', { limit: 2 });
        assert.deepEqual(newest.map((entry) => entry.seq), [3, 2], 'list is newest first, chain fields included');
      }));

    it('pages the chain oldest first after a seq, up to the limit', () =>
      withLog(async ({ audit }) => {
        await audit.append(Array.from({ length: 7 }, (_, i) => draft('alice', `p${i}`)));
        const page = async (afterSeq: number, limit: number): Promise<number[]> =>
          (await audit.chain('alice', { afterSeq, limit })).map((entry) => entry.seq!);
        assert.deepEqual(await page(0, 3), [1, 2, 3]);
        assert.deepEqual(await page(3, 3), [4, 5, 6]);
        assert.deepEqual(await page(6, 3), [7]);
        assert.deepEqual(await page(7, 3), []);
        assert.deepEqual(await page(0, 0), []);
        const paged = await verifyChainPages((afterSeq) => audit.chain('alice', { afterSeq, limit: 2 }), { userId: 'alice', pageSize: 2 });
        assert.deepEqual(paged, verifyAuditChain(await wholeChain(audit, 'alice')));
        assert.equal(paged.ok && paged.count, 7);
      }));

    it('stays linear under concurrent appends, from one log and from two over the same store', () =>
      withLog(async ({ audit, second }) => {
        const other = second();
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 12; i += 1) {
          writes.push(audit.append([draft('alice', `x${i}`), draft('bob', `xb${i}`)]));
          writes.push(other.append([draft('alice', `y${i}a`, 'access'), draft('alice', `y${i}b`, 'admin')]));
        }
        await Promise.all(writes);
        for (const [user, expected] of [['alice', 36], ['bob', 12]] as const) {
          const chain = await wholeChain(audit, user);
          assert.deepEqual(verifyAuditChain(chain), { ok: true, count: expected, head: { seq: expected, hash: chain.at(-1)!.hash } }, user);
          assert.equal(new Set(chain.map((entry) => entry.id)).size, expected, `every ${user} entry once`);
        }
        // One append's entries stay in its order (not necessarily adjacent to each other).
        const ids = (await wholeChain(audit, 'alice')).map((entry) => entry.id);
        for (let i = 0; i < 12; i += 1) assert.ok(ids.indexOf(`y${i}a`) < ids.indexOf(`y${i}b`));
        // Both instances keep appending on the chain the other extended.
        await other.append([draft('alice', 'after-other')]);
        await audit.append([draft('alice', 'after-audit')]);
        const chain = await wholeChain(other, 'alice');
        assert.deepEqual(chain.slice(-2).map((entry) => [entry.seq, entry.id]), [[37, 'after-other'], [38, 'after-audit']]);
        assert.equal(verifyAuditChain(chain).ok, true);
      }));

    it('finds and names an entry changed in the store, and chains on after it', () =>
      withLog(async ({ audit, tamper }) => {
        await audit.append(['t1', 't2', 't3', 't4'].map((id) => draft('alice', id)));
        await tamper('alice', 3, (stored) => {
          stored['eventType'] = 'demo.innocent';
        });
        const chain = await wholeChain(audit, 'alice');
        assert.equal(chain[2]!.eventType, 'demo.innocent');
        const result = verifyAuditChain(chain);
        assert.equal(result.ok, false);
        assert.deepEqual(!result.ok && [result.count, result.broken.seq, result.broken.id, result.broken.code], [2, 3, 't3', 'hash_mismatch']);
        await audit.append([draft('alice', 't5')]);
        const later = verifyAuditChain(await wholeChain(audit, 'alice'));
        assert.deepEqual(!later.ok && later.broken.id, 't3', 'later appends do not hide it');
      }));

    it('finds an entry deleted from the middle of the chain', () =>
      withLog(async ({ audit, remove }) => {
        await audit.append(['d1', 'd2', 'd3', 'd4'].map((id) => draft('alice', id)));
        await remove('alice', 2);
        const result = verifyAuditChain(await wholeChain(audit, 'alice'));
        assert.deepEqual(!result.ok && [result.count, result.broken.seq, result.broken.id, result.broken.code], [1, 3, 'd3', 'seq_gap']);
      }));
  });
}
