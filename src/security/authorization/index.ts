export { approvalSchema, approvalStatusSchema, ApprovalStore, type Approval, type ApprovalStatus } from './approval-store.js';
export { checkContextAccess, type ContextAccess } from './context-access.js';
export { POLICY_AUTHORIZER, PolicyAuthorizer, type Explanation, type ExplainOptions, type PolicyAuthorizerDeps } from './policy-authorizer.js';
export { PolicyRepository, type PolicyRepositoryOptions, type PolicyScope, type StoredPolicies } from './policy-repository.js';
export { createSecuritySystem, installGlobalPolicies, type SecuritySystem } from './security-system.js';
