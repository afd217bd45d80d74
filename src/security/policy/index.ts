export { analyzeCondition, type ConditionAnalysis, type RegexUse } from './analysis.js';
export { compilePolicies, PolicyCompiler, type CompiledCondition } from './compile.js';
export { DEFAULT_POLICIES, DEFAULT_POLICIES_YAML } from './defaults.js';
export { parsePolicyDocument, validatePolicies, type PolicyDocumentFormat, type PolicyIssue } from './document.js';
export {
  POLICY_VARIABLES,
  PolicyEnv,
  createPolicyEnv,
  type EnvSizes,
  type PolicyEnvInput,
  type PolicyUsageInput,
  type PolicyVariable,
} from './environment.js';
export { evaluatePolicies, type ApprovalState, type EvaluateOptions, type Evaluation, type Verdict } from './evaluate.js';
export { DEFAULT_POLICY_LIMITS, policyLimitsSchema, resolveLimits, type PolicyLimits } from './limits.js';
export {
  CompiledPolicySet,
  type CompiledPolicy,
  type PolicyEntry,
  type PolicyNeeds,
  type PolicyScope,
  type UserPlan,
} from './policy-set.js';
export { regexCost, type RegexCost } from './regex-cost.js';
export {
  GLOBAL_PRIORITY_FLOOR,
  POLICY_ID,
  notifyTargetSchema,
  policyActionSchema,
  policyIdSchema,
  policySchema,
  type NotifyTarget,
  type Policy,
  type PolicyAction,
  type PolicyInput,
} from './schema.js';
