/** GET /api/audit and GET /api/audit/verify over the in-memory adapters, called in memory. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryAuditLog } from '../../src/adapters/memory/index.js';
import type { MemoryAuditRow } from '../../src/adapters/memory/event-store.js';
import { verifyAuditChain, type AuditDraft, type AuditEntry } from '../../src/kernel/index.js';
import { DEFAULT_ADMIN_ROLE, signDevToken } from '../../src/security/index.js';
import { apiFixture, assertProblem, cloudEvent, processQueued, send, STRUCTURED } from '../api/helpers.js';

interface Page {
  user: string;
  entries: AuditEntry[];
  next: number | null;
}

const draft = (userId: string, id: string): AuditDraft => ({ userId, id, at: '2026-01-01T00:00:00.000Z', kind: 'admin', action: 'policies.put', target: 'global', reason: 'test' });

function fixtureWithRows() {
  const rows = new Map<string, MemoryAuditRow[]>();
  const audit = new MemoryAuditLog({ rows });
  const fixture = apiFixture({ services: { audit } });
  const admin = () => signDevToken(fixture.secret, 'root', { roles: [DEFAULT_ADMIN_ROLE] });
  return { fixture, audit, rows, admin };
}

describe('GET /api/audit', () => {
  it("pages the caller's chain oldest first, whole entries that verify on the client", async () => {
    const { fixture, audit } = fixtureWithRows();
    await audit.append(Array.from({ length: 5 }, (_, i) => draft('alice', `a${i}`)));
    await audit.append([draft('bob', 'b0')]);
    const token = await fixture.token('alice');

    const first = (await send(fixture, 'GET', '/api/audit?limit=2', { token })).json() as Page;
    assert.equal(first.user, 'alice');
    assert.deepEqual(first.entries.map((entry) => [entry.seq, entry.id]), [[1, 'a0'], [2, 'a1']]);
    assert.equal(first.next, 2);
    const second = (await send(fixture, 'GET', `/api/audit?after=${first.next}&limit=2`, { token })).json() as Page;
    assert.deepEqual(second.entries.map((entry) => entry.seq), [3, 4]);
    const last = (await send(fixture, 'GET', `/api/audit?after=${second.next}&limit=2`, { token })).json() as Page;
    assert.deepEqual(last.entries.map((entry) => entry.seq), [5]);
    assert.equal(last.next, null, 'a short page is the end');

    const all = (await send(fixture, 'GET', '/api/audit', { token })).json() as Page;
    assert.equal(all.entries.length, 5, 'limit defaults to 100');
    assert.equal(all.entries[0]!.userId, 'alice', 'entries are whole: the hash covers userId');
    assert.equal(verifyAuditChain(all.entries, { userId: 'alice' }).ok, true);
  });

  it('shows the decisions the processor made, in the chain', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    const posted = await send(fixture, 'POST', '/api/events', { token, headers: STRUCTURED, body: JSON.stringify(cloudEvent({ id: 'p1' })) });
    assert.equal(posted.status, 202);
    await processQueued(fixture, []);
    const page = (await send(fixture, 'GET', '/api/audit', { token })).json() as Page;
    const event = page.entries.find((entry) => entry.eventId === 'p1');
    assert.equal(event?.kind, 'event');
    assert.equal(verifyAuditChain(page.entries).ok, true);
  });

  it('refuses bad paging parameters and unknown ones with 400 naming the parameter', async () => {
    const { fixture } = fixtureWithRows();
    const token = await fixture.token('alice');
    for (const [query, field] of [['limit=0', 'limit'], ['limit=1001', 'limit'], ['limit=x', 'limit'], ['after=-1', 'after'], ['after=1.5', 'after'], ['user=a%20b', 'user'], ['order=desc', 'order']] as const) {
      assertProblem(await send(fixture, 'GET', `/api/audit?${query}`, { token }), 400, { field });
    }
    assert.equal((await send(fixture, 'GET', '/api/audit?limit=1000', { token })).status, 200);
  });

  it("another user's chain: 403 unless admin; asking for one's own is fine; no token is 401", async () => {
    const { fixture, audit, admin } = fixtureWithRows();
    await audit.append([draft('bob', 'b0'), draft('bob', 'b1')]);
    assertProblem(await send(fixture, 'GET', '/api/audit'), 401);
    assertProblem(await send(fixture, 'GET', '/api/audit?user=bob', { token: await fixture.token('alice') }), 403);
    assertProblem(await send(fixture, 'GET', '/api/audit/verify?user=bob', { token: await fixture.token('alice') }), 403);
    const own = (await send(fixture, 'GET', '/api/audit?user=bob', { token: await fixture.token('bob') })).json() as Page;
    assert.equal(own.entries.length, 2);
    const asAdmin = (await send(fixture, 'GET', '/api/audit?user=bob', { token: await admin() })).json() as Page;
    assert.deepEqual([asAdmin.user, asAdmin.entries.map((entry) => entry.id)], ['bob', ['b0', 'b1']]);
  });
});

describe('GET /api/audit/verify', () => {
  it('verifies the whole chain server-side and names a tampered entry', async () => {
    const { fixture, audit, rows, admin } = fixtureWithRows();
    const token = await fixture.token('alice');
    assert.deepEqual((await send(fixture, 'GET', '/api/audit/verify', { token })).json(), { user: 'alice', ok: true, count: 0 });

    await audit.append(Array.from({ length: 1205 }, (_, i) => draft('alice', `a${i}`)));
    const intact = (await send(fixture, 'GET', '/api/audit/verify', { token })).json() as { ok: boolean; count: number; head: { seq: number; hash: string } };
    assert.deepEqual([intact.ok, intact.count, intact.head.seq], [true, 1205, 1205], 'more than one internal page');

    const row = rows.get('alice')![1100]!;
    row.text = row.text.replace('"reason":"test"', '"reason":"edited"');
    const response = await send(fixture, 'GET', '/api/audit/verify', { token });
    assert.equal(response.status, 200, 'a broken chain is a result, not an error');
    assert.deepEqual(response.json(), {
      user: 'alice',
      ok: false,
      count: 1100,
      broken: { seq: 1101, id: 'a1100', code: 'hash_mismatch', reason: 'hash mismatch: the entry was changed after it was written' },
    });
    const byAdmin = (await send(fixture, 'GET', '/api/audit/verify?user=alice', { token: await admin() })).json() as { ok: boolean };
    assert.equal(byAdmin.ok, false);
  });
});
