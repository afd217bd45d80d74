/** The audit hash chain itself: how entries are chained and every way verification breaks. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'vitest';
import canonicalize from 'canonicalize';
import {
  auditEntrySchema,
  chainEntry,
  entryHash,
  eventAuditDraft,
  GENESIS_HASH,
  verifyAuditChain,
  verifyChainPages,
  type AuditDraft,
  type AuditEntry,
} from '../../src/kernel/index.js';

const AT = '2026-01-01T00:00:00.000Z';

function drafts(userId = 'alice'): AuditDraft[] {
  return [
    { userId, id: 'e1', at: AT, kind: 'event', eventId: 'ev1', eventType: 'demo.ping', attempt: 1, status: 'processed', decision: { allowed: true, authorizer: 'allow-all', reason: 'ok' } },
    { userId, id: 'a1', at: AT, kind: 'access', action: 'http.request', target: '/api/policies', request: { method: 'PUT', path: '/api/policies', status: 403 }, reason: 'forbidden' },
    { userId, id: 'm1', at: AT, kind: 'admin', action: 'policies.put', target: 'global', reason: 'replaced (by root)' },
    // The processor's shape: optional fields given as undefined, defaults left out.
    { userId, id: 'e2', at: AT, eventId: 'ev2', eventType: 'demo.ping', attempt: 2, status: 'failed', error: undefined, decision: undefined },
  ];
}

function chainOf(list: readonly AuditDraft[]): AuditEntry[] {
  const chain: AuditEntry[] = [];
  for (const draft of list) {
    const last = chain.at(-1);
    chain.push(chainEntry(draft, last && { seq: last.seq!, hash: last.hash! }));
  }
  return chain;
}

/** What any store hands back: JSON text, parsed with the schema. */
const readBack = (entries: readonly AuditEntry[]): AuditEntry[] => entries.map((entry) => auditEntrySchema.parse(JSON.parse(JSON.stringify(entry))));

describe('chainEntry', () => {
  it('numbers from 1, links each entry to the previous hash, and hashes the canonical JSON without the hash', () => {
    const chain = chainOf(drafts());
    assert.deepEqual(chain.map((entry) => entry.seq), [1, 2, 3, 4]);
    assert.equal(chain[0]!.prevHash, GENESIS_HASH);
    assert.equal(GENESIS_HASH, '0'.repeat(64));
    for (let i = 1; i < chain.length; i += 1) assert.equal(chain[i]!.prevHash, chain[i - 1]!.hash);
    const { hash, ...content } = chain[0]!;
    assert.equal(hash, createHash('sha256').update(canonicalize(content)!).digest('hex'));
    assert.match(hash, /^[0-9a-f]{64}$/);
  });

  it('applies the schema defaults before hashing, so a read-back entry hashes the same', () => {
    const chain = chainOf(drafts());
    assert.equal(chain[3]!.kind, 'event');
    assert.deepEqual(chain[3]!.drivers, []);
    assert.deepEqual(chain[0]!.decision?.policies, []);
    const back = readBack(chain);
    assert.deepEqual(back.map(entryHash), chain.map((entry) => entry.hash));
    assert.deepEqual(verifyAuditChain(back), { ok: true, count: 4, head: { seq: 4, hash: chain[3]!.hash } });
  });

  it('ignores chain fields in the draft and keys the schema does not know', () => {
    const draft = { ...drafts()[0]!, seq: 99, prevHash: 'x', hash: 'y', extra: 'dropped' } as AuditDraft;
    const entry = chainEntry(draft, undefined);
    assert.equal(entry.seq, 1);
    assert.equal(entry.prevHash, GENESIS_HASH);
    assert.equal('extra' in entry, false);
    assert.equal(verifyAuditChain(readBack([entry])).ok, true);
  });

  it('stores a lone surrogate (which RFC 8785 refuses) as U+FFFD instead of failing the append', () => {
    const entry = chainEntry({ ...drafts()[3]!, error: { code: 'driver_failed', message: 'bad \uD800 text', retryable: false } }, undefined);
    assert.equal(entry.error?.message, 'bad \uFFFD text');
    assert.equal(verifyAuditChain(readBack([entry])).ok, true);
  });

  it('refuses a draft that does not match the schema as invalid_input', () => {
    assert.throws(() => chainEntry({ userId: 'alice', id: 'x' } as AuditDraft, undefined), { code: 'invalid_input' });
  });
});

describe('eventAuditDraft (the processor\'s entries, chained without a second parse)', () => {
  const fields = {
    userId: 'alice',
    id: 'x1',
    at: AT,
    eventId: 'ev1',
    eventType: 'demo.ping',
    attempt: 1,
    status: 'failed' as const,
    drivers: ['ping'],
    emitted: ['evt_a'],
    error: { code: 'driver_failed', message: 'boom', retryable: false },
  };

  it('chains to exactly what a parsed draft chains to, and reads back with the same hash', () => {
    const decision = { allowed: true, authorizer: 'policy-engine', reason: 'ok', policies: ['p1'], verdict: 'allow' as const };
    const shaped = chainEntry(eventAuditDraft({ ...fields, decision }), undefined);
    const parsed = chainEntry({ ...fields, kind: 'event', decision }, undefined);
    assert.deepEqual(shaped, parsed);
    assert.equal(verifyAuditChain(readBack([shaped])).ok, true);
  });

  it('parses the decision it is given: defaults filled, keys the schema does not know dropped', () => {
    const decision = { allowed: true, authorizer: 'acl', reason: 'ok', internalScore: 7 } as unknown as Parameters<typeof eventAuditDraft>[0]['decision'];
    const entry = chainEntry(eventAuditDraft({ ...fields, decision }), undefined);
    assert.deepEqual(entry.decision, { allowed: true, authorizer: 'acl', reason: 'ok', policies: [] });
    assert.equal(verifyAuditChain(readBack([entry])).ok, true);
  });

  it('refuses a decision or error that does not match the schema as invalid_input', () => {
    const decision = { allowed: 'yes', authorizer: 'acl', reason: 'ok' } as unknown as Parameters<typeof eventAuditDraft>[0]['decision'];
    assert.throws(() => eventAuditDraft({ ...fields, decision }), { code: 'invalid_input' });
    const error = { code: 'x', message: 7, retryable: false } as unknown as Parameters<typeof eventAuditDraft>[0]['error'];
    assert.throws(() => eventAuditDraft({ ...fields, error }), { code: 'invalid_input' });
  });

  it('leaves the draft as it was: chaining it twice gives two first entries, not one altered draft', () => {
    const draft = eventAuditDraft(fields);
    assert.deepEqual(chainEntry(draft, undefined), chainEntry(draft, undefined));
  });
});

describe('verifyAuditChain', () => {
  const intact = (): AuditEntry[] => readBack(chainOf([...drafts(), ...drafts().map((draft) => ({ ...draft, id: `${draft.id}b` }))]));

  it('accepts an intact chain and reports its head; an empty one has none', () => {
    const chain = intact();
    assert.deepEqual(verifyAuditChain(chain), { ok: true, count: 8, head: { seq: 8, hash: chain[7]!.hash } });
    assert.deepEqual(verifyAuditChain([]), { ok: true, count: 0 });
  });

  it('names an entry whose content changed (hash mismatch)', () => {
    const chain = intact();
    chain[2] = { ...chain[2]!, reason: 'nothing to see' };
    const result = verifyAuditChain(chain);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && { count: result.count, seq: result.broken.seq, id: result.broken.id, code: result.broken.code }, { count: 2, seq: 3, id: 'm1', code: 'hash_mismatch' });
  });

  it('names the entry after one that was changed and re-hashed (prevHash mismatch)', () => {
    const chain = intact();
    const changed = { ...chain[2]!, reason: 'nothing to see' };
    chain[2] = { ...changed, hash: entryHash(changed) };
    const result = verifyAuditChain(chain);
    assert.deepEqual(!result.ok && [result.count, result.broken.seq, result.broken.code], [3, 4, 'prev_hash_mismatch']);
  });

  it('names the entry after a removed one (seq gap), and a reordered pair', () => {
    const removed = intact();
    removed.splice(4, 1);
    const gap = verifyAuditChain(removed);
    assert.deepEqual(!gap.ok && [gap.count, gap.broken.seq, gap.broken.id, gap.broken.code], [4, 6, 'a1b', 'seq_gap']);

    const swapped = intact();
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    const order = verifyAuditChain(swapped);
    assert.deepEqual(!order.ok && [order.count, order.broken.seq, order.broken.code], [5, 7, 'seq_gap']);
  });

  it('names a removed entry whose successors were renumbered and re-hashed (prevHash mismatch)', () => {
    const chain = intact();
    chain.splice(1, 1);
    let previous = chain[0]!;
    for (let i = 1; i < chain.length; i += 1) {
      const moved = { ...chain[i]!, seq: previous.seq! + 1 };
      chain[i] = { ...moved, hash: entryHash(moved) };
      previous = chain[i]!;
    }
    const result = verifyAuditChain(chain);
    assert.deepEqual(!result.ok && [result.count, result.broken.seq, result.broken.code], [1, 2, 'prev_hash_mismatch']);
  });

  it('names entries without chain fields, and entries of another user', () => {
    const chain = intact();
    const { seq: _seq, ...unchained } = chain[1]!;
    const missing = verifyAuditChain([chain[0]!, unchained]);
    assert.deepEqual(!missing.ok && [missing.broken.id, missing.broken.code, 'seq' in missing.broken], ['a1', 'missing_chain_fields', false]);

    const bobs = readBack(chainOf(drafts('bob')));
    const mixed = verifyAuditChain([chain[0]!, bobs[1]!]);
    assert.deepEqual(!mixed.ok && [mixed.count, mixed.broken.code], [1, 'wrong_user']);
    const asked = verifyAuditChain(bobs, { userId: 'alice' });
    assert.deepEqual(!asked.ok && [asked.count, asked.broken.code], [0, 'wrong_user']);
  });

  it('continues from a head (startAfter): the next page of a chain', () => {
    const chain = intact();
    const head = { seq: chain[3]!.seq!, hash: chain[3]!.hash! };
    assert.deepEqual(verifyAuditChain(chain.slice(4), { startAfter: head }), { ok: true, count: 4, head: { seq: 8, hash: chain[7]!.hash } });
    assert.deepEqual(verifyAuditChain([], { startAfter: head }), { ok: true, count: 0, head });
    const wrong = verifyAuditChain(chain.slice(4), { startAfter: { seq: 4, hash: GENESIS_HASH } });
    assert.deepEqual(!wrong.ok && [wrong.count, wrong.broken.code], [0, 'prev_hash_mismatch']);
  });
});

describe('verifyChainPages', () => {
  it('verifies page by page to the same result as all at once, and counts across pages up to a break', async () => {
    const chain = readBack(chainOf(Array.from({ length: 10 }, (_, i) => ({ ...drafts()[0]!, id: `p${i}` }))));
    const pages: number[] = [];
    const read = (entries: AuditEntry[]) => async (afterSeq: number) => {
      pages.push(afterSeq);
      return entries.filter((entry) => entry.seq! > afterSeq).slice(0, 3);
    };
    assert.deepEqual(await verifyChainPages(read(chain), { userId: 'alice', pageSize: 3 }), verifyAuditChain(chain));
    assert.deepEqual(pages, [0, 3, 6, 9]);

    chain[7] = { ...chain[7]!, at: '2030-01-01T00:00:00.000Z' };
    const broken = await verifyChainPages(read(chain), { userId: 'alice', pageSize: 3 });
    assert.deepEqual(!broken.ok && [broken.count, broken.broken.seq, broken.broken.id], [7, 8, 'p7']);
    assert.deepEqual(await verifyChainPages(async () => [], { userId: 'alice', pageSize: 3 }), { ok: true, count: 0 });
  });
});
