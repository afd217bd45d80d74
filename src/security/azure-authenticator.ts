/**
 * The one authenticator the Azure host builds: Entra ID bearer tokens (cached per token),
 * plus App Service principal headers only when trusted by configuration. Dev tokens have no
 * place here: HS256 is outside Entra's allow-list, so a local dev token is refused with 401.
 */
import { AppServiceAuthenticator } from './app-service-auth.js';
import { EntraAuthenticator } from './entra.js';
import type { Authenticator } from './identity.js';
import { CachingAuthenticator } from './token-cache.js';

export interface AzureAuthenticatorOptions {
  tenantId: string;
  audience: string;
  adminRole: string;
  /** VEXTIR_TRUST_APP_SERVICE_AUTH: authenticate requests without a bearer token from `X-MS-CLIENT-PRINCIPAL`. */
  trustAppServiceAuth: boolean;
  /** Tests only: where the signing keys are fetched (default: the tenant's Entra endpoint). */
  jwksUrl?: string;
}

export function createAzureAuthenticator(options: AzureAuthenticatorOptions): Authenticator {
  const { tenantId, audience, adminRole } = options;
  const bearer = new CachingAuthenticator(new EntraAuthenticator({ tenantId, audience, adminRole, ...(options.jwksUrl ? { jwksUrl: options.jwksUrl } : {}) }));
  return options.trustAppServiceAuth ? new AppServiceAuthenticator(bearer, { tenantId, adminRole }) : bearer;
}
