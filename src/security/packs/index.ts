export { checkContextRequest, isContextRequest } from './context-requests.js';
export { checkEmit, type EmitCheck } from './emit-check.js';
export { PackEnforcer, type PackCheck, type PackMatch, type PackSpend } from './enforcer.js';
export { NO_PACKS, packPolicyName, type PackDirectory, type PackDriver, type PackGrants, type PackPermissions } from './grants.js';
