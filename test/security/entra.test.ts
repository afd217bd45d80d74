/**
 * EntraAuthenticator on its own: what it accepts (v1 and v2 issuers, both audience forms, clock
 * skew) and the refusals that are not attacks on the HTTP API (those are in adversarial-tokens).
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { CLOCK_SKEW_SECONDS, EntraAuthenticator } from '../../src/security/index.js';
import { CLIENT_ID, OID, TENANT, V1_ISSUER, nowSeconds, startEntraTenant, type EntraTenant } from './entra-fixture.js';

let tenant: EntraTenant;
let entra: EntraAuthenticator;

beforeAll(async () => {
  tenant = await startEntraTenant();
  entra = new EntraAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, adminRole: 'Ops.Admin', jwksUrl: tenant.jwksUrl });
});
afterAll(() => tenant.close());

async function refused(token: Promise<string> | string, pattern: RegExp, authenticator = entra): Promise<void> {
  await assert.rejects(authenticator.authenticate(await token), (error: unknown) => {
    assert.ok(error instanceof KernelError);
    assert.equal(error.code, 'unauthenticated');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('EntraAuthenticator', () => {
  it('accepts a v2 token and takes the user from oid, not sub', async () => {
    assert.deepEqual(await entra.authenticate(await tenant.token()), { userId: OID, roles: [], admin: false });
  });

  it('accepts a v1 token (sts.windows.net issuer, App ID URI audience) of the same tenant', async () => {
    const identity = await entra.authenticate(await tenant.token({ claims: { iss: V1_ISSUER, aud: `api://${CLIENT_ID}`, ver: '1.0' } }));
    assert.equal(identity.userId, OID);
  });

  it('accepts the client id when the App ID URI is configured', async () => {
    const byUri = new EntraAuthenticator({ tenantId: TENANT, audience: `api://${CLIENT_ID}`, jwksUrl: tenant.jwksUrl });
    assert.equal((await byUri.authenticate(await tenant.token())).userId, OID);
  });

  it('keeps any other audience exact: a custom App ID URI does not admit other forms', async () => {
    const custom = new EntraAuthenticator({ tenantId: TENANT, audience: 'api://vextir', jwksUrl: tenant.jwksUrl });
    assert.equal((await custom.authenticate(await tenant.token({ claims: { aud: 'api://vextir' } }))).userId, OID);
    await refused(tenant.token({ claims: { aud: 'vextir' } }), /"aud" claim/, custom);
    await refused(tenant.token(), /"aud" claim/, custom);
  });

  it('makes an admin of the configured role only, and keeps every role', async () => {
    const admin = await entra.authenticate(await tenant.token({ claims: { roles: ['Ops.Admin', 'Reader'] } }));
    assert.deepEqual(admin, { userId: OID, roles: ['Ops.Admin', 'Reader'], admin: true });
    const defaultRole = await entra.authenticate(await tenant.token({ claims: { roles: ['Vextir.Admin'] } }));
    assert.equal(defaultRole.admin, false, 'Vextir.Admin is not the configured role here');
    assert.ok(Object.isFrozen(admin) && Object.isFrozen(admin.roles), 'a cached identity cannot be widened');
  });

  it(`tolerates ${CLOCK_SKEW_SECONDS} s of clock skew on exp and nbf, and no more`, async () => {
    const now = nowSeconds();
    await entra.authenticate(await tenant.token({ claims: { exp: now - 20, iat: now - 3600, nbf: now - 3600 } }));
    await entra.authenticate(await tenant.token({ claims: { nbf: now + 20 } }));
    await refused(tenant.token({ claims: { exp: now - CLOCK_SKEW_SECONDS - 30 } }), /expired/);
    await refused(tenant.token({ claims: { nbf: now + CLOCK_SKEW_SECONDS + 30 } }), /"nbf" claim/);
  });

  it('requires exp and tid, and tid must be the configured tenant', async () => {
    await refused(tenant.token({ claims: { exp: undefined } }), /"exp" claim/);
    await refused(tenant.token({ claims: { tid: undefined } }), /"tid" claim/);
  });

  it('refuses an ID token: neither scp nor roles', async () => {
    await refused(tenant.token({ claims: { scp: undefined, nonce: 'n' } }), /not an access token/);
  });

  it('accepts an app-only token (roles, no scp); the user is its oid', async () => {
    const identity = await entra.authenticate(await tenant.token({ claims: { scp: undefined, roles: ['Events.Write'], oid: 'app-object-id' } }));
    assert.equal(identity.userId, 'app-object-id');
  });

  it('never falls back to sub past an oid that is present but not a valid user id', async () => {
    await refused(tenant.token({ claims: { oid: 'not a user id!' } }), /no usable user id/);
    await refused(tenant.token({ claims: { oid: 42 } }), /no usable user id/);
    assert.equal((await entra.authenticate(await tenant.token({ claims: { oid: undefined, sub: 'only-sub' } }))).userId, 'only-sub');
  });

  it('answers unavailable, not unauthenticated, when the signing keys cannot be fetched', async () => {
    const fresh = new EntraAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, jwksUrl: tenant.jwksUrl });
    tenant.failWith(503);
    try {
      await assert.rejects(fresh.authenticate(await tenant.token()), (error: unknown) => error instanceof KernelError && error.code === 'unavailable');
    } finally {
      tenant.failWith(undefined);
    }
    assert.equal((await fresh.authenticate(await tenant.token())).userId, OID, 'a failed fetch is not cached');
  });

  it('refuses to be built for anything but a tenant GUID (common, organizations, domains)', () => {
    for (const tenantId of ['common', 'organizations', 'contoso.onmicrosoft.com', '']) {
      assert.throws(() => new EntraAuthenticator({ tenantId, audience: CLIENT_ID }), (error: unknown) => error instanceof KernelError && error.code === 'invalid_input');
    }
  });
});
