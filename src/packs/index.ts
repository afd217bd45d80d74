/** Skill packs: the manifest, sources (npm registry, folders), the lock and grants, consent, and pack drivers at run time. */
export { checkPackFits, declaredIds, ownsId, patternWithin, type PackDriverInfo } from './checks.js';
export { consentRequest, consentsTo, grantRequestSchema, type ConsentRequest, type GrantRequest } from './consent.js';
export { describeChanges, describePermissions } from './describe.js';
export { PackDirectory, type PackSnapshot } from './directory.js';
export { CONTENT_KINDS, loadPack, type ContentKind, type LoadedPack, type PackDocument } from './load.js';
export { PACK_MANIFEST_FILE, PACK_NAME, packManifestSchema, packPermissionsSchema, type PackManifest, type PackManifestInput, type PackPermissions } from './manifest.js';
export { covers, isEmptyDifference, normalizePermissions, permissionsDifference, permissionsDigest, type PermissionChanges, type PermissionsDifference } from './permissions.js';
export { PackRuntime, type PackRuntimeDeps, type PackSandboxRequest, type RunningPackSandbox, type StartPackSandbox } from './runtime.js';
export { PACK_KEYWORD, searchPacks, type PackSearchHit } from './search.js';
export { ensurePlaced, PackService, type AddRequest, type PackCaller, type PackContentTarget, type PackOutcome, type PackServiceDeps } from './service.js';
export { folderIntegrity, parseSource, type PackSource } from './sources.js';
export { PACK_GRANT_KIND, PACK_INSTALL_KIND, PACK_LOCK_KIND, PACK_USER_KIND, PackStore, type GrantScope, type InstalledItems, type LockEntry, type PackGrant } from './store.js';
export { grantInForce, packView, type GrantState, type PackView } from './views.js';
