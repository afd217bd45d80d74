/**
 * What the deployment configured for each provider (from src/config.ts, the only module that
 * reads the environment), and whether a model can be called with it. Keys stay in here and in
 * the driver that calls the provider: nothing that lists models ever shows one.
 */
import type { ModelEntry, ModelProvider } from './schema.js';

export interface ModelProviderSettings {
  openai: { apiKey?: string | undefined; baseUrl?: string | undefined };
  anthropic: { apiKey?: string | undefined; baseUrl?: string | undefined };
  azureOpenAi: {
    /** `https://<resource>.openai.azure.com` */
    endpoint?: string | undefined;
    /** Without it, Entra ID tokens from `tokenProvider` (the host's managed identity). */
    apiKey?: string | undefined;
    /** Our model id -> the Azure deployment name (AZURE_OPENAI_DEPLOYMENTS). */
    deployments?: Readonly<Record<string, string>>;
    /**
     * Bearer tokens for scope https://cognitiveservices.azure.com/.default, supplied by a host
     * that has an Azure identity (the Function App, `vextir worker`); absent in the embedded host.
     */
    tokenProvider?: (() => Promise<string>) | undefined;
  };
  /** The value of an `apiKeySetting` (an environment setting named `*_API_KEY`), resolved by config. */
  setting: (name: string) => string | undefined;
}

/** The settings that configure each provider, for messages that tell the operator what to set. */
export const PROVIDER_KEY_SETTING: Readonly<Record<Exclude<ModelProvider, 'openai-compatible'>, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'azure-openai': 'AZURE_OPENAI_API_KEY',
};

export type Availability = { available: true } | { available: false; reason: string };

/** Whether `entry` can be called: enabled, and its provider configured. */
export function availabilityOf(entry: ModelEntry, settings: ModelProviderSettings): Availability {
  if (!entry.enabled) return { available: false, reason: 'disabled (enabled: false)' };
  switch (entry.provider) {
    case 'openai':
      return settings.openai.apiKey ? { available: true } : { available: false, reason: 'OPENAI_API_KEY is not set' };
    case 'anthropic':
      return settings.anthropic.apiKey ? { available: true } : { available: false, reason: 'ANTHROPIC_API_KEY is not set' };
    case 'azure-openai': {
      const azure = settings.azureOpenAi;
      if (!azure.endpoint && !entry.baseUrl) return { available: false, reason: 'AZURE_OPENAI_ENDPOINT is not set' };
      if (!azure.apiKey && !azure.tokenProvider) {
        return { available: false, reason: 'AZURE_OPENAI_API_KEY is not set, and this host has no managed identity for Entra ID (only the Azure host has one)' };
      }
      return { available: true };
    }
    case 'openai-compatible':
      if (entry.apiKeySetting !== undefined && !settings.setting(entry.apiKeySetting)) return { available: false, reason: `${entry.apiKeySetting} is not set` };
      return { available: true };
  }
}

/** What to check when a provider refuses the credentials (401/403). */
export function credentialHint(entry: ModelEntry, settings: ModelProviderSettings): string {
  switch (entry.provider) {
    case 'openai-compatible':
      return entry.apiKeySetting ? `check ${entry.apiKeySetting}` : 'the server wants a key: name its setting in the entry\'s apiKeySetting';
    case 'azure-openai':
      return settings.azureOpenAi.apiKey
        ? 'check AZURE_OPENAI_API_KEY'
        : "the host's managed identity needs the Cognitive Services OpenAI User role on the Azure OpenAI resource (or set AZURE_OPENAI_API_KEY)";
    default:
      return `check ${PROVIDER_KEY_SETTING[entry.provider]}`;
  }
}
