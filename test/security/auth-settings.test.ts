/** The identity settings: VEXTIR_ADMIN_ROLE, VEXTIR_TRUST_APP_SERVICE_AUTH and the Entra tenant id. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const sample = (await import('../../local.settings.sample.json', { with: { type: 'json' } })).default as { Values: Record<string, string> };

describe('identity settings', () => {
  it('default to the Vextir.Admin role and to not trusting App Service headers', () => {
    assert.deepEqual(loadConfig({}).auth, { adminRole: 'Vextir.Admin' });
    assert.equal(loadConfig(sample.Values).azure?.trustAppServiceAuth, false);
  });

  it('take a custom admin role, and refuse one with spaces', () => {
    assert.equal(loadConfig({ VEXTIR_ADMIN_ROLE: 'Ops.Admin' }).auth.adminRole, 'Ops.Admin');
    assert.throws(() => loadConfig({ VEXTIR_ADMIN_ROLE: 'Vextir Admin' }), /VEXTIR_ADMIN_ROLE/);
    assert.throws(() => loadConfig({ VEXTIR_ADMIN_ROLE: '' }), /VEXTIR_ADMIN_ROLE/);
  });

  it('refuse to start in local mode with App Service headers trusted', () => {
    assert.throws(() => loadConfig({ VEXTIR_TRUST_APP_SERVICE_AUTH: 'true' }), /VEXTIR_TRUST_APP_SERVICE_AUTH=true applies only to VEXTIR_MODE=azure/);
  });

  it('trust App Service headers in Azure mode only when the platform reports its authentication module enabled', () => {
    assert.throws(() => loadConfig({ ...sample.Values, VEXTIR_TRUST_APP_SERVICE_AUTH: 'true' }), /WEBSITE_AUTH_ENABLED/);
    assert.throws(() => loadConfig({ ...sample.Values, VEXTIR_TRUST_APP_SERVICE_AUTH: 'true', WEBSITE_AUTH_ENABLED: 'False' }), /WEBSITE_AUTH_ENABLED/);
    assert.equal(loadConfig({ ...sample.Values, VEXTIR_TRUST_APP_SERVICE_AUTH: 'true', WEBSITE_AUTH_ENABLED: 'True' }).azure?.trustAppServiceAuth, true);
  });

  it('read the flag as exactly true or false', () => {
    assert.equal(loadConfig({ ...sample.Values, VEXTIR_TRUST_APP_SERVICE_AUTH: 'false', WEBSITE_AUTH_ENABLED: 'True' }).azure?.trustAppServiceAuth, false);
    assert.throws(() => loadConfig({ ...sample.Values, VEXTIR_TRUST_APP_SERVICE_AUTH: 'yes' }), /VEXTIR_TRUST_APP_SERVICE_AUTH/);
    assert.throws(() => loadConfig({ ...sample.Values, VEXTIR_TRUST_APP_SERVICE_AUTH: '1' }), /VEXTIR_TRUST_APP_SERVICE_AUTH/);
  });

  it('need the tenant as a GUID (never common or organizations), lower-cased', () => {
    for (const tenant of ['common', 'organizations', 'contoso.onmicrosoft.com']) {
      assert.throws(() => loadConfig({ ...sample.Values, ENTRA_TENANT_ID: tenant }), /ENTRA_TENANT_ID/);
    }
    const config = loadConfig({ ...sample.Values, ENTRA_TENANT_ID: '3F0C1A52-6B7D-4E8F-9A01-23456789ABCD' });
    assert.equal(config.azure?.entra.tenantId, '3f0c1a52-6b7d-4e8f-9a01-23456789abcd');
  });
});
