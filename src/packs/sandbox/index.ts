/** Third-party driver code out of the host's process: docs/pack-sandbox.md. */
export { startPackSandbox, type NetworkEnforcement, type PackSandbox, type PackSandboxStats } from './start.js';
export type { PackSandboxOptions } from './options.js';
export { DEFAULT_FETCH_LIMITS, hostAllowed, type FetchLimits, type SandboxFetch } from './host-fetch.js';
export { guardedFetch, isInternalAddress } from './guarded-fetch.js';
export { probeNetworkNamespace, type NamespaceProbe, type NetworkIsolation } from './net-isolation.js';
export { NODE_CUTS_NETWORK, PERMISSION_FLAG } from './node-flags.js';
export { PROTOCOL_VERSION } from './protocol.js';
export { violationAction, violationAuditDraft, violationError, type PackViolation, type ViolationKind } from './violations.js';
export { hostMappedFetch, parseHostMap, type HostMap, type HostPin } from './host-map.js';
