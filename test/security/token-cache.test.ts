import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { CachingAuthenticator, type Authenticator } from '../../src/security/index.js';

function jwt(exp: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'alice', exp })}.sig`;
}

describe('CachingAuthenticator', () => {
  it('verifies a reused token once, and again once the cache entry is older than maxAgeMs', async () => {
    let now = 1_000_000;
    let calls = 0;
    const inner: Authenticator = { authenticate: async () => (calls += 1, { userId: 'alice', roles: [], admin: false }) };
    const cache = new CachingAuthenticator(inner, { maxAgeMs: 1000, now: () => now });
    const token = jwt(now / 1000 + 3600);
    await cache.authenticate(token);
    await cache.authenticate(token);
    assert.equal(calls, 1);
    now += 1001;
    await cache.authenticate(token);
    assert.equal(calls, 2);
  });

  it('never trusts a cached verification past the token expiry', async () => {
    let now = 1_000_000;
    let calls = 0;
    const inner: Authenticator = {
      authenticate: async () => {
        calls += 1;
        if (calls > 1) throw new KernelError('unauthenticated', 'the token has expired');
        return { userId: 'alice', roles: [], admin: false };
      },
    };
    const cache = new CachingAuthenticator(inner, { now: () => now });
    const token = jwt(now / 1000 + 2);
    await cache.authenticate(token);
    now += 2500;
    await assert.rejects(cache.authenticate(token), /expired/);
  });

  it('does not cache a verification when the token names no expiry', async () => {
    let calls = 0;
    const inner: Authenticator = { authenticate: async () => (calls += 1, { userId: 'alice', roles: [], admin: false }) };
    const cache = new CachingAuthenticator(inner);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'HS256' })}.${part({ sub: 'alice' })}.sig`;
    await cache.authenticate(token);
    await cache.authenticate(token);
    assert.equal(calls, 2);
  });

  it('does not cache refusals', async () => {
    let calls = 0;
    const inner: Authenticator = { authenticate: async () => { calls += 1; throw new KernelError('unauthenticated', 'bad'); } };
    const cache = new CachingAuthenticator(inner);
    await assert.rejects(cache.authenticate('x.y.z'));
    await assert.rejects(cache.authenticate('x.y.z'));
    assert.equal(calls, 2);
  });
});
