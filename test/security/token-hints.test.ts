/**
 * A 401 says how to get a token the deployment accepts: a local dev token from
 * `npx vextir token <user>` on the embedded default, an Entra ID access token on Azure. Over
 * the API in memory with each mode's authenticator, and over HTTP against the embedded host.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createAzureAuthenticator } from '../../src/security/index.js';
import { apiFixture, apiRequest } from '../api/helpers.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { CLIENT_ID, TENANT } from './entra-fixture.js';

const LOCAL_HINT = /get a local dev token with `npx vextir token <user>`/;
const AZURE_HINT = new RegExp(`send an Entra ID access token for the API \\(audience "${CLIENT_ID}"\\)`);

async function detailOf(fixture: ReturnType<typeof apiFixture>, headers: Record<string, string>): Promise<string> {
  const response = await fixture.api.handle(apiRequest('GET', '/api/events', { headers }));
  assert.equal(response.status, 401);
  assert.equal(response.headers['content-type'], 'application/problem+json');
  return (JSON.parse(String('body' in response ? response.body : '')) as { detail: string }).detail;
}

describe('401 problem details say how to get a token', () => {
  it('local mode: names `npx vextir token <user>` after the reason', async () => {
    const local = apiFixture();
    const missing = await detailOf(local, {});
    assert.match(missing, /needs an "Authorization: Bearer <token>" header; get a local dev token/);
    assert.match(await detailOf(local, { authorization: 'Bearer not-a-jwt' }), new RegExp(`the token is malformed; ${LOCAL_HINT.source}`));
    assert.match(await detailOf(local, { authorization: 'Basic abc' }), LOCAL_HINT);
    assert.doesNotMatch(missing, /Entra/);
  });

  it('Azure mode: asks for an Entra ID access token for the API, naming its audience', async () => {
    const azure = apiFixture({
      services: { authenticator: createAzureAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, adminRole: 'Vextir.Admin', trustAppServiceAuth: false, jwksUrl: 'http://127.0.0.1:9/keys' }) },
    });
    for (const headers of [{}, { authorization: 'Bearer not-a-jwt' }]) {
      const detail = await detailOf(azure, headers);
      assert.match(detail, AZURE_HINT);
      assert.doesNotMatch(detail, /npx vextir/);
    }
    const trusting = apiFixture({
      services: { authenticator: createAzureAuthenticator({ tenantId: TENANT, audience: CLIENT_ID, adminRole: 'Vextir.Admin', trustAppServiceAuth: true, jwksUrl: 'http://127.0.0.1:9/keys' }) },
    });
    assert.match(await detailOf(trusting, {}), AZURE_HINT, 'also behind App Service authentication');
  });
});

describe('the embedded host over HTTP', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.stop());

  it('answers a request without a token with the dev-token hint', async () => {
    const response = await fetch(`${system.url}/api/events`);
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { detail: string }).detail, LOCAL_HINT);
  });
});
