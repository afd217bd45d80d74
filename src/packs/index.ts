export {
  PACK_MANIFEST_FILE,
  PACK_NAME,
  packManifestSchema,
  packPermissionsSchema,
  type PackManifest,
  type PackManifestInput,
  type PackPermissions,
} from './manifest.js';
