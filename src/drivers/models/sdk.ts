/**
 * The providers, through one library: the Vercel AI SDK (`ai` 6.x with @ai-sdk/openai,
 * @ai-sdk/anthropic and @ai-sdk/azure 3.x, the line that runs on Node 20; 7.x needs Node 22).
 * Why it: one call (`generateText`) over every provider, the same tool-call, structured-output
 * and usage shapes from each, and provider errors as one `APICallError` with the status and
 * headers (retry-after) this driver decides on. Its own retries are off (`maxRetries: 0`): the
 * driver retries and falls back itself, so it honours retry-after and its time budget.
 *
 * Loaded on the first model request, not at start-up: importing it costs 100-200 ms, which
 * hosts that never call a model (and every Function App cold start before the first call)
 * should not pay.
 */
import type * as AnthropicSdk from '@ai-sdk/anthropic';
import type * as AzureSdk from '@ai-sdk/azure';
import type * as OpenAiSdk from '@ai-sdk/openai';
import type * as AiSdk from 'ai';
import type { LanguageModel } from 'ai';
import type { ModelEntry, ModelProviderSettings } from '../../registries/models/index.js';

export interface Sdk {
  ai: typeof AiSdk;
  openai: typeof OpenAiSdk;
  anthropic: typeof AnthropicSdk;
  azure: typeof AzureSdk;
}

let loading: Promise<Sdk> | undefined;

export function loadSdk(): Promise<Sdk> {
  loading ??= (async () => {
    const [ai, openai, anthropic, azure] = await Promise.all([import('ai'), import('@ai-sdk/openai'), import('@ai-sdk/anthropic'), import('@ai-sdk/azure')]);
    // The SDK prints warnings (e.g. "temperature is not supported") with console.warn; the driver
    // logs each call's warnings through its own logger instead.
    (globalThis as { AI_SDK_LOG_WARNINGS?: unknown }).AI_SDK_LOG_WARNINGS = false;
    return { ai, openai, anthropic, azure };
  })();
  return loading;
}

const PUBLIC_URLS = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com/v1' } as const;

/**
 * A placeholder key for OpenAI-compatible servers that need none (Ollama): the SDK requires a
 * key and, given none, would read OPENAI_API_KEY from the environment itself.
 */
const NO_KEY = 'no-key';

/**
 * The SDK model object for each registry entry, built on first use and kept. Every setting is
 * passed explicitly (keys, base URLs): given none, the SDK would fall back to environment
 * variables, and only src/config.ts reads the environment.
 */
export class ProviderModels {
  readonly #models = new Map<string, LanguageModel>();

  constructor(private readonly settings: ModelProviderSettings) {}

  async languageModel(entry: ModelEntry): Promise<LanguageModel> {
    const cached = this.#models.get(entry.id);
    if (cached) return cached;
    const sdk = await loadSdk();
    const model = this.#build(sdk, entry);
    this.#models.set(entry.id, model);
    return model;
  }

  #build(sdk: Sdk, entry: ModelEntry): LanguageModel {
    const { openai, anthropic, azureOpenAi, setting } = this.settings;
    switch (entry.provider) {
      case 'openai':
        // `.chat()`: chat completions; the provider's default model object posts to /v1/responses.
        return sdk.openai.createOpenAI({ apiKey: openai.apiKey ?? '', baseURL: entry.baseUrl ?? openai.baseUrl ?? PUBLIC_URLS.openai }).chat(entry.model);
      case 'openai-compatible': {
        const apiKey = entry.apiKeySetting === undefined ? NO_KEY : (setting(entry.apiKeySetting) ?? NO_KEY);
        return sdk.openai.createOpenAI({ name: `openai-compatible.${entry.id}`, apiKey, baseURL: entry.baseUrl ?? '' }).chat(entry.model);
      }
      case 'anthropic':
        return sdk.anthropic.createAnthropic({ apiKey: anthropic.apiKey ?? '', baseURL: entry.baseUrl ?? anthropic.baseUrl ?? PUBLIC_URLS.anthropic })(entry.model);
      case 'azure-openai': {
        // The v1 API (`<endpoint>/openai/v1/chat/completions`, the deployment name as `model`):
        // no api-version to pin. An entry's baseUrl replaces the whole prefix.
        const baseURL = entry.baseUrl ?? `${(azureOpenAi.endpoint ?? '').replace(/\/+$/, '')}/openai/v1`;
        const auth = azureOpenAi.apiKey ? { apiKey: azureOpenAi.apiKey } : { tokenProvider: azureOpenAi.tokenProvider };
        return sdk.azure.createAzure({ baseURL, ...auth }).chat(entry.model);
      }
    }
  }
}
