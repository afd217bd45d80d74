/**
 * The Azure composition as the Function App builds it (composeAzure from the settings, no
 * authenticator handed in), behind the Functions HTTP handler: a dev token that the local host
 * accepts is refused, and App Service principal headers count only when trusted. Cosmos DB is the
 * protocol server; the Service Bus client is never used by these reads (its senders connect lazily).
 * Entra tokens themselves are exercised in adversarial-tokens (the real JWKS endpoint is on the internet).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import functions from '@azure/functions';
import { ServiceBusClient } from '@azure/service-bus';
import { composeAzure, type AzureSystem } from '../../src/hosts/azure/index.js';
import { loadConfig } from '../../src/config.js';
import { createHttpHandler } from '../../src/functions/http-adapter.js';
import { DevTokenAuthenticator, loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';
import { startCosmosServer, type CosmosTestServer } from '../helpers/cosmos-server.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

const { HttpRequest, InvocationContext } = functions;
const sample = (await import('../../local.settings.sample.json', { with: { type: 'json' } })).default as { Values: Record<string, string> };
const OID = 'a1b2c3d4-0000-4000-8000-00000000a11c';

let cosmos: CosmosTestServer;
let dir: string;
const opened: Array<{ system: AzureSystem; serviceBus: ServiceBusClient }> = [];

beforeAll(async () => {
  cosmos = await startCosmosServer();
  dir = mkdtempSync(join(tmpdir(), 'vextir-azure-auth-'));
});
afterAll(async () => {
  for (const { system, serviceBus } of opened) {
    await system.close();
    await serviceBus.close();
  }
  await cosmos.close();
  rmSync(dir, { recursive: true, force: true });
});

async function azureHttp(settings: Record<string, string>) {
  const config = loadConfig({ ...sample.Values, COSMOS_ENDPOINT: cosmos.endpoint, VEXTIR_DATA_DIR: dir, VEXTIR_CONFIG: join(dir, 'none.yaml'), ...settings });
  const serviceBus = new ServiceBusClient('Endpoint=sb://127.0.0.1/;SharedAccessKeyName=unused;SharedAccessKey=unused');
  const system = await composeAzure(config, silentLogger, { serviceBus, cosmos: cosmos.client() });
  opened.push({ system, serviceBus });
  const handler = createHttpHandler(async () => system.api);
  return async (headers: Record<string, string>) => {
    const response = await handler(new HttpRequest({ method: 'GET', url: 'https://func.example/api/events', headers }), new InvocationContext({ functionName: 'api' }));
    return { status: response.status ?? 200, headers: response.headers as Record<string, string> };
  };
}

describe('Azure composition authentication', () => {
  it('refuses a dev token that the local host accepts: 401 with WWW-Authenticate', async () => {
    const secret = loadOrCreateDevSecret(dir);
    const devToken = await signDevToken(secret, 'alice', { roles: ['Vextir.Admin'] });
    assert.equal((await new DevTokenAuthenticator(secret).authenticate(devToken)).userId, 'alice', 'the token is valid locally');
    const get = await azureHttp({});
    const refused = await get({ authorization: `Bearer ${devToken}` });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['content-type'], 'application/problem+json');
    assert.match(refused.headers['www-authenticate'] ?? '', /^Bearer/);
  });

  it('ignores App Service principal headers unless VEXTIR_TRUST_APP_SERVICE_AUTH=true, and honours them when it is', async () => {
    const principal = Buffer.from(JSON.stringify({
      auth_typ: 'aad',
      claims: [
        { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: OID },
        { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: sample.Values['ENTRA_TENANT_ID'] },
      ],
    })).toString('base64');
    const headers = { 'x-ms-client-principal': principal, 'x-ms-client-principal-id': OID };
    assert.equal((await (await azureHttp({}))(headers)).status, 401);
    const trusting = await azureHttp({ VEXTIR_TRUST_APP_SERVICE_AUTH: 'true', WEBSITE_AUTH_ENABLED: 'True' });
    assert.equal((await trusting(headers)).status, 200);
    assert.equal((await trusting({ 'x-ms-client-principal-id': OID })).status, 401);
  });
});
