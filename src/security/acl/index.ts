export {
  DRIVER_ID,
  accessSchema,
  checkAccess,
  granteeProblem,
  granteeSchema,
  granteesOf,
  grantSchema,
  type Access,
  type AccessDecision,
  type AccessRequest,
  type Grant,
  type Grantee,
  type Principal,
} from './acl.js';
export {
  DEFAULT_PATH_LIMITS,
  ROOT_PATH,
  contextPathSchema,
  isWithin,
  normalizeContextPath,
  parentPaths,
  type PathLimits,
} from './context-path.js';
export { GRANT_KIND, GrantStore, grantKey, grantRequestSchema, type GrantRequest, type ListOptions } from './grant-store.js';
export { createContextAccessControl, principalOf } from './context-access-control.js';
