import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, assertProblem, send } from './helpers.js';

describe('GET /api/me', () => {
  it('answers the verified caller and whether it is an admin', async () => {
    const fixture = apiFixture();
    const plain = await send(fixture, 'GET', '/api/me', { token: await fixture.token('alice') });
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(plain.json(), { userId: 'alice', admin: false });
    const admin = await send(fixture, 'GET', '/api/me', { token: await fixture.adminToken('root') });
    assert.deepEqual(admin.json(), { userId: 'root', admin: true });
  });

  it('takes nothing from headers but the token', async () => {
    const fixture = apiFixture();
    const response = await send(fixture, 'GET', '/api/me', { token: await fixture.token('alice'), headers: { 'x-user-id': 'root', 'x-ms-client-principal-id': 'root' } });
    assert.deepEqual(response.json(), { userId: 'alice', admin: false });
    assertProblem(await send(fixture, 'GET', '/api/me'), 401);
  });
});
