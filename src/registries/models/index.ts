/** The model registry: models as data, their providers, prices and capabilities, and selection. */
export { costUsd, rankingCost, withinCostLimit, type TokenCounts } from './cost.js';
export { DEFAULT_MODELS } from './defaults.js';
export { PROVIDER_KEY_SETTING, availabilityOf, credentialHint, type Availability, type ModelProviderSettings } from './providers.js';
export { createModelRegistry, type ModelListing, type ModelRegistry, type ModelRegistryOptions, type ModelSource } from './registry.js';
export {
  AUTO_MODEL,
  MODEL_CAPABILITIES,
  MODEL_PROVIDERS,
  apiKeySettingSchema,
  modelCapabilitySchema,
  modelEntrySchema,
  modelIdSchema,
  modelOverrideSchema,
  modelPriceSchema,
  modelProviderSchema,
  type ModelCapability,
  type ModelEntry,
  type ModelEntryInput,
  type ModelOverride,
  type ModelPrice,
  type ModelProvider,
} from './schema.js';
export { selectModels, type MissingRequirements, type ModelRequirements, type Selection, type SkippedModel } from './selection.js';
