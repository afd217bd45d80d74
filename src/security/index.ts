export { allowAllAuthorizer } from './allow-all.js';
export { APP_SERVICE_PRINCIPAL_HEADER, AppServiceAuthenticator, type AppServiceAuthOptions } from './app-service-auth.js';
export { createAzureAuthenticator, type AzureAuthenticatorOptions } from './azure-authenticator.js';
export { DevTokenAuthenticator, loadOrCreateDevSecret, signDevToken, type DevTokenOptions } from './dev-tokens.js';
export { CLOCK_SKEW_SECONDS, EntraAuthenticator, type EntraOptions } from './entra.js';
export type { Authenticator, HeaderLookup, Identity } from './identity.js';
export { DEFAULT_ADMIN_ROLE } from './roles.js';
export { CachingAuthenticator, type TokenCacheOptions } from './token-cache.js';
export { createContextAccessControl, GrantStore, grantRequestSchema, granteeSchema, normalizeContextPath, type Grant } from './acl/index.js';
export {
  ApprovalStore,
  POLICY_AUTHORIZER,
  PolicyAuthorizer,
  PolicyRepository,
  approvalStatusSchema,
  createSecuritySystem,
  installGlobalPolicies,
  type SecuritySystem,
  type Approval,
  type ApprovalStatus,
  type Explanation,
  type PolicyScope,
} from './authorization/index.js';
export { NO_PACKS, PackEnforcer, packPolicyName, type PackCheck, type PackDirectory, type PackDriver, type PackGrants, type PackSpend } from './packs/index.js';
export { detectPii, PiiVerdictCache, redactPii, type PiiFinding, type PiiKind } from './pii/index.js';
export { DEFAULT_POLICIES, parsePolicyDocument, validatePolicies, type CompiledPolicySet, type Policy } from './policy/index.js';
export { DelayedEvents, PACK_USAGE_KIND, UsageCounters, type DelayedCount, type ModelUsageReport, type ModelUsageTotals, type UsageSnapshot } from './usage/index.js';
