/**
 * Forged, stale and misdirected tokens against the HTTP API as Azure serves it: the Functions
 * HTTP handler over the API with the Azure-mode authenticator (Entra ID, keys from a JWKS this
 * test serves over loopback). Every refusal must be a 401 problem+json with WWW-Authenticate and
 * must store nothing; the local dev-token path gets the same treatment.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import functions from '@azure/functions';
import { createHttpHandler } from '../../src/functions/http-adapter.js';
import { createAzureAuthenticator, signDevToken } from '../../src/security/index.js';
import { apiFixture, type ApiFixture } from '../api/helpers.js';
import { CLIENT_ID, KID, OID, OTHER_TENANT, TENANT, V2_ISSUER, nowSeconds, part, startEntraTenant, type EntraTenant } from './entra-fixture.js';

const { HttpRequest, InvocationContext } = functions;
const ALG = /algorithm is not allowed/;
const AUD = /"aud" claim/;
const SIGNATURE = /signature is invalid/;
const UNKNOWN_KEY = /not signed by a trusted key/;
const NO_BEARER = /needs an "Authorization: Bearer <token>" header/;

let tenant: EntraTenant;
let azure: ApiFixture;
let eventNumber = 0;

beforeAll(async () => {
  tenant = await startEntraTenant();
  azure = apiFixture({
    services: { authenticator: createAzureAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, adminRole: 'Vextir.Admin', trustAppServiceAuth: false, jwksUrl: tenant.jwksUrl }) },
  });
});
afterAll(() => tenant.close());

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** POST one new CloudEvent through the Functions handler with these headers (and the bearer token, if any). */
async function post(fixture: ApiFixture, token: string | undefined, headers: Record<string, string> = {}): Promise<Answer & { id: string }> {
  const id = `adv-${(eventNumber += 1)}`;
  const handler = createHttpHandler(async () => fixture.api);
  const response = await handler(
    new HttpRequest({
      method: 'POST',
      url: 'https://func.example/api/events',
      headers: { 'content-type': 'application/cloudevents+json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
      body: { string: JSON.stringify({ specversion: '1.0', id, source: '/adversary', type: 'demo.ping' }) },
    }),
    new InvocationContext({ functionName: 'api' }),
  );
  return { id, status: response.status ?? 200, headers: response.headers as Record<string, string>, body: typeof response.body === 'string' ? response.body : '' };
}

/** A 401 problem with WWW-Authenticate whose detail says why (`reason`), and nothing stored. */
async function assertRefused(answer: Answer & { id: string }, reason: RegExp, fixture = azure): Promise<void> {
  assert.equal(answer.status, 401, answer.body);
  assert.equal(answer.headers['content-type'], 'application/problem+json');
  assert.match(answer.headers['www-authenticate'] ?? '', /^Bearer realm="vextir"/);
  const problem = JSON.parse(answer.body) as { status: number; type: string; detail: string };
  assert.equal(problem.status, 401);
  assert.equal(problem.type, 'urn:vextir:problem:unauthenticated');
  assert.match(problem.detail, reason);
  assert.equal(await fixture.store.get(OID, answer.id), undefined, 'a refused request stores nothing');
}

/** A token with a hand-made header and claims and an HMAC-SHA256 signature under `secret`. */
function hs256(secret: string | Buffer, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', kid: KID }): string {
  const now = nowSeconds();
  const input = `${part(header)}.${part({ aud: CLIENT_ID, iss: V2_ISSUER, tid: TENANT, oid: OID, sub: 's', scp: 'x', iat: now, nbf: now, exp: now + 600 })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Replace one character in the middle of the segment (the last one may carry only padding bits). */
function tamper(token: string, segment: 0 | 1 | 2): string {
  const parts = token.split('.');
  const value = parts[segment] ?? '';
  const at = Math.floor(value.length / 2);
  parts[segment] = `${value.slice(0, at)}${value[at] === 'A' ? 'B' : 'A'}${value.slice(at + 1)}`;
  return parts.join('.');
}

describe('adversarial Entra tokens through the Azure HTTP API', () => {
  it('accepts a valid token: 202, then 200 on its record', async () => {
    const token = await tenant.token();
    const posted = await post(azure, token);
    assert.equal(posted.status, 202, posted.body);
    assert.ok(await azure.store.get(OID, posted.id));
    const handler = createHttpHandler(async () => azure.api);
    const read = await handler(
      new HttpRequest({ method: 'GET', url: `https://func.example/api/events/${posted.id}`, headers: { authorization: `Bearer ${token}` } }),
      new InvocationContext({ functionName: 'api' }),
    );
    assert.equal(read.status, 200);
  });

  it('refuses an unsigned token (alg none, in any spelling)', async () => {
    const valid = (await tenant.token()).split('.');
    for (const alg of ['none', 'None', 'NONE']) {
      await assertRefused(await post(azure, `${part({ alg, typ: 'JWT', kid: KID })}.${valid[1]}.`), ALG);
    }
    await assertRefused(await post(azure, `${part({ alg: 'none' })}.${valid[1]}.${valid[2]}`), ALG);
  });

  it('refuses an expired token and one not valid yet (beyond the clock skew)', async () => {
    const now = nowSeconds();
    await assertRefused(await post(azure, await tenant.token({ claims: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 } })), /expired/);
    await assertRefused(await post(azure, await tenant.token({ claims: { nbf: now + 3600, exp: now + 7200 } })), /"nbf" claim/);
  });

  it('refuses a token for another audience', async () => {
    await assertRefused(await post(azure, await tenant.token({ claims: { aud: 'api://some-other-api' } })), AUD);
    await assertRefused(await post(azure, await tenant.token({ claims: { aud: '00000003-0000-0000-c000-000000000000' } })), AUD); // Microsoft Graph
    await assertRefused(await post(azure, await tenant.token({ claims: { aud: [CLIENT_ID.toUpperCase()] } })), AUD);
  });

  it('refuses a wrong issuer, including the multi-tenant and look-alike ones', async () => {
    for (const iss of [
      'https://evil.example/v2.0',
      'https://login.microsoftonline.com/common/v2.0',
      'https://login.microsoftonline.com/organizations/v2.0',
      `https://login.microsoftonline.com/${TENANT}/v2.0/`,
      `https://login.microsoftonline.com.evil.example/${TENANT}/v2.0`,
      `http://login.microsoftonline.com/${TENANT}/v2.0`,
    ]) {
      await assertRefused(await post(azure, await tenant.token({ claims: { iss } })), /"iss" claim/);
    }
  });

  it('refuses a token of another tenant, and one whose tid disagrees with its issuer', async () => {
    await assertRefused(await post(azure, await tenant.token({ claims: { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT } })), /"iss" claim/);
    await assertRefused(await post(azure, await tenant.token({ claims: { iss: `https://sts.windows.net/${OTHER_TENANT}/`, tid: OTHER_TENANT } })), /"iss" claim/);
    await assertRefused(await post(azure, await tenant.token({ claims: { tid: OTHER_TENANT } })), /"tid" claim/);
  });

  it('refuses a kid the tenant does not publish', async () => {
    await assertRefused(await post(azure, await tenant.token({ header: { kid: 'rotated-away' } })), UNKNOWN_KEY);
    await assertRefused(await post(azure, await tenant.token({ header: { kid: 'attacker' }, key: tenant.strangerKey })), UNKNOWN_KEY);
  });

  it('refuses a token signed by an unpublished key, whatever key it embeds or points to', async () => {
    await assertRefused(await post(azure, await tenant.token({ key: tenant.strangerKey })), SIGNATURE);
    await assertRefused(await post(azure, await tenant.token({ key: tenant.strangerKey, header: { kid: undefined, jwk: tenant.strangerJwk } })), SIGNATURE);
    await assertRefused(await post(azure, await tenant.token({ key: tenant.strangerKey, header: { jku: 'http://127.0.0.1:1/keys' } })), SIGNATURE);
  });

  it('refuses HS256 tokens keyed with the tenant public key (algorithm confusion), PEM and JWK forms', async () => {
    await assertRefused(await post(azure, hs256(tenant.publicPem)), ALG);
    await assertRefused(await post(azure, hs256(JSON.stringify(tenant.publicJwk))), ALG);
    await assertRefused(await post(azure, hs256(Buffer.from(tenant.publicJwk.n ?? '', 'base64url'))), ALG);
    await assertRefused(await post(azure, hs256(tenant.publicPem, { alg: 'HS256' })), ALG);
  });

  it('refuses a token whose signature, payload or header was altered', async () => {
    const token = await tenant.token();
    await assertRefused(await post(azure, tamper(token, 2)), SIGNATURE);
    await assertRefused(await post(azure, tamper(token, 1)), SIGNATURE);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    await assertRefused(await post(azure, `${header}.${part({ ...claims, oid: 'someone-else' })}.${signature}`), SIGNATURE);
    await assertRefused(await post(azure, `${part({ alg: 'RS256', kid: KID, typ: 'at+jwt' })}.${payload}.${signature}`), SIGNATURE);
    await assertRefused(await post(azure, `${header}.${payload}`), /malformed/);
  });

  it('takes the user from oid, never from a userid (or any other) claim', async () => {
    const token = await tenant.token({ claims: { userid: 'mallory', preferred_username: 'mallory', upn: 'mallory', sub: 'mallory' } });
    const posted = await post(azure, token);
    assert.equal(posted.status, 202, posted.body);
    assert.ok(await azure.store.get(OID, posted.id), 'stored as the oid');
    assert.equal(await azure.store.get('mallory', posted.id), undefined);
  });

  it('refuses a token with neither oid nor sub', async () => {
    await assertRefused(await post(azure, await tenant.token({ claims: { oid: undefined, sub: undefined } })), /no usable user id/);
  });

  it('refuses a valid local dev token: Azure mode never accepts them', async () => {
    const devToken = await azure.token('alice');
    await assertRefused(await post(azure, devToken), ALG);
    await assertRefused(await post(azure, await signDevToken(azure.secret, OID, { roles: ['Vextir.Admin'] })), ALG);
  });

  it('ignores identity headers when App Service authentication is not trusted', async () => {
    const principal = Buffer.from(JSON.stringify({
      auth_typ: 'aad',
      claims: [
        { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: OID },
        { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: TENANT },
      ],
    })).toString('base64');
    await assertRefused(await post(azure, undefined, { 'x-ms-client-principal': principal, 'x-ms-client-principal-id': OID, 'x-ms-client-principal-idp': 'aad' }), NO_BEARER);
    await assertRefused(await post(azure, undefined, { 'x-user-id': OID, 'x-ms-client-principal-name': 'alice@example.com' }), NO_BEARER);
    await assertRefused(await post(azure, 'not-a-jwt', { 'x-ms-client-principal': principal }), /malformed/);
  });
});

describe('adversarial dev tokens through the local API', () => {
  let local: ApiFixture;
  beforeAll(() => {
    local = apiFixture();
  });

  it('accepts a valid dev token', async () => {
    const posted = await post(local, await local.token(OID));
    assert.equal(posted.status, 202, posted.body);
  });

  it('refuses a token signed with another secret', async () => {
    await assertRefused(await post(local, await signDevToken(new TextEncoder().encode('a-different-secret-of-32-bytes!!'), OID)), SIGNATURE, local);
  });

  it('refuses an unsigned (alg none) dev token', async () => {
    const payload = (await local.token(OID)).split('.')[1];
    await assertRefused(await post(local, `${part({ alg: 'none', typ: 'JWT' })}.${payload}.`), ALG, local);
  });

  it('refuses an expired dev token', async () => {
    await assertRefused(await post(local, await local.token(OID, { expiresIn: '-2h' })), /expired/, local);
  });

  it('refuses an Entra-shaped RS256 token: the local host knows only its own secret', async () => {
    await assertRefused(await post(local, await tenant.token()), ALG, local);
  });
});
