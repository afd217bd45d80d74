/**
 * App Service authentication, trusted (VEXTIR_TRUST_APP_SERVICE_AUTH=true): the API authenticates
 * a request without a bearer token from the platform's X-MS-CLIENT-PRINCIPAL header, as the
 * platform builds it, and nothing else. Bearer tokens keep their own path.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { AppServiceAuthenticator, createAzureAuthenticator, type Authenticator } from '../../src/security/index.js';
import { apiFixture, assertProblem, cloudEvent, send, STRUCTURED, type ApiFixture } from '../api/helpers.js';
import { CLIENT_ID, OID, OTHER_TENANT, TENANT, startEntraTenant, type EntraTenant } from './entra-fixture.js';

const OBJECT_ID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const TENANT_ID = 'http://schemas.microsoft.com/identity/claims/tenantid';
const NAME_ID = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';
const ROLE = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

/** The header as App Service builds it for a Microsoft Entra sign-in. */
function principal(overrides: { auth_typ?: string; claims?: Array<{ typ: string; val: string }> } = {}): string {
  return Buffer.from(JSON.stringify({
    auth_typ: overrides.auth_typ ?? 'aad',
    name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    role_typ: ROLE,
    claims: overrides.claims ?? [
      { typ: OBJECT_ID, val: OID },
      { typ: TENANT_ID, val: TENANT },
      { typ: NAME_ID, val: 'pairwise-subject' },
      { typ: ROLE, val: 'Vextir.Admin' },
      { typ: 'groups', val: 'f08bbbea-b793-4a36-a5fc-136c18d8aa8f' },
    ],
  })).toString('base64');
}

let tenant: EntraTenant;
let authenticator: Authenticator;
let fixture: ApiFixture;

beforeAll(async () => {
  tenant = await startEntraTenant();
  authenticator = createAzureAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, adminRole: 'Vextir.Admin', trustAppServiceAuth: true, jwksUrl: tenant.jwksUrl });
  fixture = apiFixture({ services: { authenticator } });
});
afterAll(() => tenant.close());

function headersOf(values: Record<string, string>) {
  return new Headers(values);
}

async function refusedHeaders(values: Record<string, string>, pattern: RegExp): Promise<void> {
  await assert.rejects(authenticator.authenticateHeaders?.(headersOf(values)) ?? Promise.reject(new Error('no header path')), (error: unknown) => {
    assert.ok(error instanceof KernelError);
    assert.equal(error.code, 'unauthenticated');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('App Service authentication (trusted)', () => {
  it('authenticates a request without a bearer token from the principal header: user = object id, roles = role claims', async () => {
    const response = await send(fixture, 'POST', '/api/events', { headers: { ...STRUCTURED, 'x-ms-client-principal': principal() }, body: JSON.stringify(cloudEvent({ id: 'as-1' })) });
    assert.equal(response.status, 202, response.text);
    assert.ok(await fixture.store.get(OID, 'as-1'));
    const identity = await authenticator.authenticateHeaders?.(headersOf({ 'x-ms-client-principal': principal() }));
    assert.deepEqual(identity, { userId: OID, roles: ['Vextir.Admin'], admin: true });
  });

  it('falls back to the name identifier when there is no object id, and reads roles under the short claim name too', async () => {
    const identity = await authenticator.authenticateHeaders?.(headersOf({
      'x-ms-client-principal': principal({ claims: [{ typ: TENANT_ID, val: TENANT }, { typ: NAME_ID, val: 'name-id-1' }, { typ: 'roles', val: 'Reader' }] }),
    }));
    assert.deepEqual(identity, { userId: 'name-id-1', roles: ['Reader'], admin: false });
  });

  it('refuses principals of another provider, another tenant, or without a usable user id', async () => {
    await refusedHeaders({ 'x-ms-client-principal': principal({ auth_typ: 'google' }) }, /only Microsoft Entra/);
    await refusedHeaders({ 'x-ms-client-principal': principal({ claims: [{ typ: OBJECT_ID, val: OID }, { typ: TENANT_ID, val: OTHER_TENANT }] }) }, /configured tenant/);
    await refusedHeaders({ 'x-ms-client-principal': principal({ claims: [{ typ: OBJECT_ID, val: OID }] }) }, /configured tenant/);
    await refusedHeaders({ 'x-ms-client-principal': principal({ claims: [{ typ: TENANT_ID, val: TENANT }, { typ: OBJECT_ID, val: 'not a user id' }] }) }, /no usable user id/);
    await refusedHeaders({ 'x-ms-client-principal': principal({ claims: [{ typ: TENANT_ID, val: TENANT }] }) }, /no usable user id/);
  });

  it('refuses a header that is not base64 JSON of the expected shape', async () => {
    await refusedHeaders({ 'x-ms-client-principal': '%%%not-base64%%%' }, /base64-encoded JSON/);
    await refusedHeaders({ 'x-ms-client-principal': Buffer.from('{"auth_typ":"aad"}').toString('base64') }, /expected shape/);
    const response = await send(fixture, 'GET', '/api/events', { headers: { 'x-ms-client-principal': Buffer.from('[1,2]').toString('base64') } });
    assertProblem(response, 401);
    assert.match(response.headers['www-authenticate'] ?? '', /^Bearer/);
  });

  it('ignores the -ID, -NAME and -IDP headers and any x-user-id: without the principal header the request is 401', async () => {
    const response = await send(fixture, 'GET', '/api/events', { headers: { 'x-ms-client-principal-id': OID, 'x-ms-client-principal-idp': 'aad', 'x-ms-client-principal-name': 'a@b.c', 'x-user-id': OID } });
    assertProblem(response, 401);
  });

  it('lets a bearer token win: an invalid token is refused whatever principal header comes with it', async () => {
    const refused = await send(fixture, 'GET', '/api/events', { token: 'not-a-jwt', headers: { 'x-ms-client-principal': principal() } });
    assertProblem(refused, 401);
    const valid = await send(fixture, 'GET', '/api/events', { token: await tenant.token(), headers: { 'x-ms-client-principal': principal() } });
    assert.equal(valid.status, 200, valid.text);
  });

  it('is built only when trusted: the untrusted Azure authenticator has no header path', () => {
    const untrusted = createAzureAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, adminRole: 'Vextir.Admin', trustAppServiceAuth: false, jwksUrl: tenant.jwksUrl });
    assert.equal(untrusted.authenticateHeaders, undefined);
    assert.ok(authenticator instanceof AppServiceAuthenticator);
  });
});
