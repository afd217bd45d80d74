/**
 * The model registry of one deployment: the built-in entries, the Azure OpenAI deployments the
 * configuration names, and the project file's `models:` list (which adds entries, or changes
 * built-in ones by id). Built once at start-up by `createModelRegistry`, frozen afterwards.
 */
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { DEFAULT_MODELS } from './defaults.js';
import { availabilityOf, type Availability, type ModelProviderSettings } from './providers.js';
import { modelEntrySchema, type ModelCapability, type ModelEntry, type ModelEntryInput, type ModelOverride, type ModelPrice, type ModelProvider } from './schema.js';

/** Where an entry came from; a project-file entry that changes a built-in one is `project`. */
export type ModelSource = 'built-in' | 'azure-deployments' | 'project';

/** One model as `GET /api/models` and `vextir models` show it: never a key. */
export interface ModelListing {
  id: string;
  provider: ModelProvider;
  model: string;
  /** Origin and path only: user info and query strings are left out (they can hold secrets). */
  baseUrl?: string;
  capabilities: ModelCapability[];
  contextWindow: number;
  maxOutputTokens: number;
  price: ModelPrice;
  enabled: boolean;
  available: boolean;
  unavailableReason?: string;
  apiKeySetting?: string;
  source: ModelSource;
}

export interface ModelRegistry {
  /** Every entry, built-in ones first, in a stable order. */
  all(): readonly ModelEntry[];
  get(id: string): ModelEntry | undefined;
  /** Unknown ids are unavailable too. */
  availability(id: string): Availability;
  listing(): ModelListing[];
  /** How to reach each provider (keys included): for the driver that calls them, never for display. */
  readonly providers: ModelProviderSettings;
}

export interface ModelRegistryOptions {
  providers: ModelProviderSettings;
  /** The project file's `models:` list. */
  overrides?: readonly ModelOverride[];
  /** Replaces DEFAULT_MODELS (tests). */
  defaults?: readonly ModelEntryInput[];
}

export function createModelRegistry(options: ModelRegistryOptions): ModelRegistry {
  const inputs = new Map<string, { input: ModelEntryInput; source: ModelSource }>();
  for (const input of options.defaults ?? DEFAULT_MODELS) inputs.set(input.id, { input, source: 'built-in' });
  for (const [id, deployment] of Object.entries(options.providers.azureOpenAi.deployments ?? {})) {
    const base = inputs.get(id);
    if (base?.input.provider !== 'openai') {
      throw new KernelError('invalid_input', `AZURE_OPENAI_DEPLOYMENTS names "${id}", which is not a built-in OpenAI model: list the deployment under models: in the project file (provider: azure-openai, model: <deployment>)`);
    }
    const azureId = `azure-${id}`;
    inputs.set(azureId, { input: { ...base.input, id: azureId, provider: 'azure-openai', model: deployment }, source: 'azure-deployments' });
  }
  const seen = new Set<string>();
  for (const override of options.overrides ?? []) {
    if (seen.has(override.id)) throw new KernelError('invalid_input', `models: "${override.id}" is listed twice`);
    seen.add(override.id);
    const existing = inputs.get(override.id)?.input;
    inputs.set(override.id, { input: { ...existing, ...override } as ModelEntryInput, source: 'project' });
  }

  const entries: ModelEntry[] = [];
  const sources = new Map<string, ModelSource>();
  for (const [id, { input, source }] of inputs) {
    const parsed = modelEntrySchema.safeParse(input);
    if (!parsed.success) throw new KernelError('invalid_input', `models: "${id}" (${source}): ${z.prettifyError(parsed.error)}`);
    entries.push(Object.freeze(parsed.data));
    sources.set(id, source);
  }
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const providers = options.providers;
  const availability = (id: string): Availability => {
    const entry = byId.get(id);
    return entry ? availabilityOf(entry, providers) : { available: false, reason: 'not in the model registry' };
  };
  return Object.freeze({
    all: () => entries,
    get: (id: string) => byId.get(id),
    availability,
    providers,
    listing: () => entries.map((entry) => listingOf(entry, sources.get(entry.id) ?? 'built-in', availability(entry.id))),
  });
}

function listingOf(entry: ModelEntry, source: ModelSource, availability: Availability): ModelListing {
  const listing: ModelListing = {
    id: entry.id,
    provider: entry.provider,
    model: entry.model,
    capabilities: [...entry.capabilities],
    contextWindow: entry.contextWindow,
    maxOutputTokens: entry.maxOutputTokens,
    price: { ...entry.price },
    enabled: entry.enabled,
    available: availability.available,
    source,
  };
  if (entry.baseUrl !== undefined) listing.baseUrl = displayUrl(entry.baseUrl);
  if (!availability.available) listing.unavailableReason = availability.reason;
  if (entry.apiKeySetting !== undefined) listing.apiKeySetting = entry.apiKeySetting;
  return listing;
}

function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
