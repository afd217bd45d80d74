/** Move, versions, restore, mkdir and another user's hub (`?owner=`) over the in-memory store. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, assertProblem, send } from './helpers.js';

const JSON_BODY = { 'content-type': 'application/json' };

describe('move, versions and restore', () => {
  it('renames a folder with everything below it, and refuses an occupied target', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    await send(fixture, 'PUT', '/api/context/Projects/Alpha/plan', { token, headers: JSON_BODY, body: '{"step":1}' });
    await send(fixture, 'PUT', '/api/context/Projects/Alpha/notes/n1', { token, headers: JSON_BODY, body: '"n"' });
    const moved = await send(fixture, 'POST', '/api/context/Projects/Alpha?action=move', { token, headers: JSON_BODY, body: '{"to":"/Projects/Omega"}' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal((moved.json() as { path: string }).path, '/Projects/Omega');
    assert.equal(moved.headers['location'], '/api/context/Projects/Omega');
    assert.deepEqual((await send(fixture, 'GET', '/api/context/Projects/Omega/notes/n1', { token })).json(), 'n');
    assertProblem(await send(fixture, 'GET', '/api/context/Projects/Alpha/plan', { token }), 404);

    await send(fixture, 'PUT', '/api/context/Notes/x', { token, headers: JSON_BODY, body: '1' });
    assertProblem(await send(fixture, 'POST', '/api/context/Notes/x?action=move', { token, headers: JSON_BODY, body: '{"to":"/Projects/Omega"}' }), 409);
    assertProblem(await send(fixture, 'POST', '/api/context/Notes/x?action=move', { token, headers: JSON_BODY, body: '{"to":"/A/../B"}' }), 400, { field: 'to' });
    assertProblem(await send(fixture, 'POST', '/api/context/Notes/x?action=rename', { token }), 400, { field: 'action' });
  });

  it('lists earlier versions newest first, serves one, and restores it as a new version', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    for (const text of ['one', 'two', 'three']) {
      await send(fixture, 'PUT', '/api/context/Notes/v', { token, headers: { 'content-type': 'text/plain' }, body: text });
    }
    const listed = (await send(fixture, 'GET', '/api/context/Notes/v?view=versions', { token })).json() as { path: string; current: number; versions: Array<{ version: number; content?: unknown }> };
    assert.equal(listed.current, 3);
    assert.deepEqual(listed.versions.map((version) => version.version), [2, 1]);
    assert.ok(listed.versions.every((version) => version.content === undefined), 'the listing leaves contents out');
    const first = await send(fixture, 'GET', '/api/context/Notes/v?version=1', { token });
    assert.equal(first.text, 'one');
    assert.equal(first.headers['vextir-version'], '1');
    assertProblem(await send(fixture, 'GET', '/api/context/Notes/v?version=9', { token }), 404);

    const restored = await send(fixture, 'POST', '/api/context/Notes/v?action=restore&version=1', { token });
    assert.equal(restored.status, 200, restored.text);
    assert.equal((restored.json() as { version: number }).version, 4);
    assert.equal((await send(fixture, 'GET', '/api/context/Notes/v', { token })).text, 'one');
    assertProblem(await send(fixture, 'POST', '/api/context/Notes/v?action=restore', { token }), 400, { field: 'version' });
  });

  it('creates a folder with mkdir (201, then 200)', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    assert.equal((await send(fixture, 'POST', '/api/context/Research/Papers?action=mkdir', { token })).status, 201);
    assert.equal((await send(fixture, 'POST', '/api/context/Research/Papers?action=mkdir', { token })).status, 200);
    const listing = (await send(fixture, 'GET', '/api/context/Research', { token })).json() as { entries: Array<{ path: string; kind: string }> };
    assert.deepEqual(listing.entries.map((entry) => `${entry.kind} ${entry.path}`), ['folder /Research/Papers']);
  });
});

describe("another user's hub", () => {
  it('is unreachable without a grant (403 naming owner), readable with a read grant, never writable through it', async () => {
    const fixture = apiFixture();
    const alice = await fixture.token('alice');
    const bob = await fixture.token('bob');
    await send(fixture, 'PUT', '/api/context/Projects/Secret/plan', { token: alice, headers: JSON_BODY, body: '{"launch":"friday"}' });
    await send(fixture, 'PUT', '/api/context/Notes/diary', { token: alice, headers: JSON_BODY, body: '"private"' });

    // Without owner, bob only ever sees his own hub.
    assertProblem(await send(fixture, 'GET', '/api/context/Projects/Secret/plan', { token: bob }), 404);
    assertProblem(await send(fixture, 'GET', '/api/context/Projects/Secret/plan?owner=alice', { token: bob }), 403, { field: 'owner' });
    assertProblem(await send(fixture, 'GET', '/api/context?owner=alice&search=friday', { token: bob }), 403, { field: 'owner' });

    const grant = await send(fixture, 'PUT', '/api/grants', { token: alice, headers: JSON_BODY, body: '{"path":"/Projects","grantee":"user:bob","access":"read"}' });
    assert.equal(grant.status, 200, grant.text);
    const read = await send(fixture, 'GET', '/api/context/Projects/Secret/plan?owner=alice', { token: bob });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json(), { launch: 'friday' });
    const listing = (await send(fixture, 'GET', '/api/context/Projects?owner=alice', { token: bob })).json() as { entries: Array<{ path: string }> };
    assert.ok(listing.entries.some((entry) => entry.path === '/Projects/Secret'));
    const query = await send(fixture, 'GET', '/api/context?owner=alice&prefix=/Projects', { token: bob });
    assert.deepEqual((query.json() as { entries: Array<{ path: string }> }).entries.map((entry) => entry.path), ['/Projects/Secret/plan']);

    // The grant covers /Projects only, and only reading.
    assertProblem(await send(fixture, 'GET', '/api/context/Notes/diary?owner=alice', { token: bob }), 403);
    assertProblem(await send(fixture, 'GET', '/api/context?owner=alice', { token: bob }), 403);
    assertProblem(await send(fixture, 'PUT', '/api/context/Projects/Secret/plan?owner=alice', { token: bob, headers: JSON_BODY, body: '{"launch":"never"}' }), 403);
    assertProblem(await send(fixture, 'DELETE', '/api/context/Projects/Secret?owner=alice&recursive=true', { token: bob }), 403);
    assertProblem(await send(fixture, 'POST', '/api/context/Projects/Secret?owner=alice&action=move', { token: bob, headers: JSON_BODY, body: '{"to":"/Projects/Mine"}' }), 403);
    assert.deepEqual((await send(fixture, 'GET', '/api/context/Projects/Secret/plan', { token: alice })).json(), { launch: 'friday' });
  });

  it('is writable with a write grant, and a move needs it on the target too', async () => {
    const fixture = apiFixture();
    const alice = await fixture.token('alice');
    const bob = await fixture.token('bob');
    await send(fixture, 'PUT', '/api/context/Shared/board', { token: alice, headers: JSON_BODY, body: '[]' });
    await send(fixture, 'PUT', '/api/grants', { token: alice, headers: JSON_BODY, body: '{"path":"/Shared","grantee":"user:bob","access":"write"}' });
    const written = await send(fixture, 'PUT', '/api/context/Shared/board?owner=alice', { token: bob, headers: JSON_BODY, body: '["bob was here"]' });
    assert.equal(written.status, 200, written.text);
    assert.equal(written.headers['location'], '/api/context/Shared/board?owner=alice');
    assert.deepEqual((await send(fixture, 'GET', '/api/context/Shared/board', { token: alice })).json(), ['bob was here']);
    assertProblem(await send(fixture, 'POST', '/api/context/Shared/board?owner=alice&action=move', { token: bob, headers: JSON_BODY, body: '{"to":"/Elsewhere/board"}' }), 403);
    // Bob's own hub is untouched by what he did in alice's.
    assertProblem(await send(fixture, 'GET', '/api/context/Shared/board', { token: bob }), 404);
  });
});
