/** The model registry: built-in entries, Azure deployments, project-file overrides, availability, listing. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { DEFAULT_MODELS, costUsd, createModelRegistry, modelEntrySchema, withinCostLimit, type ModelOverride } from '../../src/registries/models/index.js';
import { providers } from './helpers.js';

describe('built-in models', () => {
  it('are valid entries with current OpenAI and Anthropic models and their prices', () => {
    for (const input of DEFAULT_MODELS) assert.ok(modelEntrySchema.safeParse(input).success, input.id);
    const ids = DEFAULT_MODELS.map((entry) => entry.id);
    for (const id of ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o4-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5']) assert.ok(ids.includes(id), id);
    assert.equal(new Set(ids).size, ids.length);
    const mini = DEFAULT_MODELS.find((entry) => entry.id === 'gpt-4.1-mini')!;
    assert.deepEqual(mini.price, { inputPerMTok: 0.4, cachedInputPerMTok: 0.1, outputPerMTok: 1.6 });
  });

  it('are unavailable until their provider is configured, and say which setting is missing', () => {
    const registry = createModelRegistry({ providers: providers() });
    assert.deepEqual(registry.availability('gpt-4o'), { available: false, reason: 'OPENAI_API_KEY is not set' });
    assert.deepEqual(registry.availability('claude-haiku-4-5'), { available: false, reason: 'ANTHROPIC_API_KEY is not set' });
    assert.deepEqual(registry.availability('nope'), { available: false, reason: 'not in the model registry' });
    const configured = createModelRegistry({ providers: providers({ openai: { apiKey: 'sk-test' } }) });
    assert.deepEqual(configured.availability('gpt-4o'), { available: true });
    assert.equal(configured.availability('claude-haiku-4-5').available, false);
  });
});

describe('Azure OpenAI deployments', () => {
  it('become azure-<id> entries with the deployment as the model and the OpenAI price', () => {
    const registry = createModelRegistry({ providers: providers({ azureOpenAi: { endpoint: 'https://r.openai.azure.com', apiKey: 'k', deployments: { 'gpt-4.1-mini': 'prod-mini' } } }) });
    const entry = registry.get('azure-gpt-4.1-mini');
    assert.equal(entry?.provider, 'azure-openai');
    assert.equal(entry?.model, 'prod-mini');
    assert.deepEqual(entry?.price, registry.get('gpt-4.1-mini')?.price);
    assert.deepEqual(registry.availability('azure-gpt-4.1-mini'), { available: true });
  });

  it('are available with a managed identity instead of a key, and not without either', () => {
    const deployments = { 'gpt-4o': 'four' };
    const withIdentity = createModelRegistry({ providers: providers({ azureOpenAi: { endpoint: 'https://r.openai.azure.com', deployments, tokenProvider: async () => 't' } }) });
    assert.deepEqual(withIdentity.availability('azure-gpt-4o'), { available: true });
    const neither = createModelRegistry({ providers: providers({ azureOpenAi: { endpoint: 'https://r.openai.azure.com', deployments } }) });
    assert.match((neither.availability('azure-gpt-4o') as { reason: string }).reason, /AZURE_OPENAI_API_KEY is not set/);
    const noEndpoint = createModelRegistry({ providers: providers({ azureOpenAi: { apiKey: 'k', deployments } }) });
    assert.deepEqual(noEndpoint.availability('azure-gpt-4o'), { available: false, reason: 'AZURE_OPENAI_ENDPOINT is not set' });
  });

  it('refuses a deployment of a model it does not know, saying where to declare it', () => {
    assert.throws(
      () => createModelRegistry({ providers: providers({ azureOpenAi: { deployments: { 'my-model': 'x' } } }) }),
      (error: unknown) => error instanceof KernelError && /"my-model".*provider: azure-openai/.test(error.message),
    );
  });
});

describe('project-file entries', () => {
  const ollama: ModelOverride = { id: 'llama3', provider: 'openai-compatible', model: 'llama3.1:8b', baseUrl: 'http://127.0.0.1:11434/v1', capabilities: ['chat', 'tools'], contextWindow: 131072, maxOutputTokens: 8192, price: { inputPerMTok: 0, outputPerMTok: 0 } };

  it('add an OpenAI-compatible server as one entry, available without a key', () => {
    const registry = createModelRegistry({ providers: providers(), overrides: [ollama] });
    assert.equal(registry.get('llama3')?.enabled, true);
    assert.deepEqual(registry.availability('llama3'), { available: true });
    assert.equal(registry.listing().find((listing) => listing.id === 'llama3')?.source, 'project');
  });

  it('resolve a named key setting through the settings, and say when it is not set', () => {
    const withKey = { ...ollama, apiKeySetting: 'LOCAL_LLM_API_KEY' };
    assert.match((createModelRegistry({ providers: providers(), overrides: [withKey] }).availability('llama3') as { reason: string }).reason, /LOCAL_LLM_API_KEY is not set/);
    assert.deepEqual(createModelRegistry({ providers: providers({}, { LOCAL_LLM_API_KEY: 'k' }), overrides: [withKey] }).availability('llama3'), { available: true });
  });

  it('change a built-in entry by id with only the fields they name', () => {
    const registry = createModelRegistry({ providers: providers({ openai: { apiKey: 'k' } }), overrides: [{ id: 'gpt-4o', enabled: false }, { id: 'gpt-4o-mini', price: { inputPerMTok: 1, outputPerMTok: 2 } }] });
    assert.deepEqual(registry.availability('gpt-4o'), { available: false, reason: 'disabled (enabled: false)' });
    assert.equal(registry.get('gpt-4o')?.contextWindow, 128_000);
    assert.deepEqual(registry.get('gpt-4o-mini')?.price, { inputPerMTok: 1, outputPerMTok: 2 });
  });

  it('refuse incomplete new entries, an openai-compatible entry without baseUrl, keys instead of setting names, and duplicates', () => {
    const refused = (overrides: unknown[], pattern: RegExp) =>
      assert.throws(() => createModelRegistry({ providers: providers(), overrides: overrides as never }), (error: unknown) => error instanceof KernelError && pattern.test(error.message));
    refused([{ id: 'new-model', provider: 'openai' }], /"new-model".*model/s);
    refused([{ ...ollama, baseUrl: undefined }], /baseUrl/);
    refused([{ ...ollama, apiKeySetting: 'sk-live-123' }], /_API_KEY/);
    refused([ollama, ollama], /listed twice/);
  });

  it('never list a key, and show a base URL without user info or query', () => {
    const registry = createModelRegistry({
      providers: providers({ openai: { apiKey: 'sk-secret-value' } }, { GW_API_KEY: 'also-secret' }),
      overrides: [{ ...ollama, baseUrl: 'https://user:pw@gateway.example/v1?key=abc', apiKeySetting: 'GW_API_KEY' }],
    });
    const text = JSON.stringify(registry.listing());
    assert.ok(!text.includes('secret') && !text.includes('pw@') && !text.includes('key=abc'), text);
    assert.equal(registry.listing().find((listing) => listing.id === 'llama3')?.baseUrl, 'https://gateway.example/v1');
  });
});

describe('cost', () => {
  it('prices cached input at the cached price, once, and output at the output price', () => {
    const price = { inputPerMTok: 2, cachedInputPerMTok: 0.5, outputPerMTok: 8 };
    assert.equal(costUsd(price, { inputTokens: 1_000_000, outputTokens: 1_000_000 }), 10);
    assert.equal(costUsd(price, { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 0 }), 0.6 * 2 + 0.4 * 0.5);
    assert.equal(costUsd({ inputPerMTok: 2, outputPerMTok: 8 }, { inputTokens: 1000, cachedInputTokens: 1000, outputTokens: 0 }), 0.002);
  });

  it('applies maxCostPer1kTokens to input and output alike', () => {
    assert.equal(withinCostLimit({ inputPerMTok: 0.15, outputPerMTok: 0.6 }, 0.001), true);
    assert.equal(withinCostLimit({ inputPerMTok: 0.4, outputPerMTok: 1.6 }, 0.001), false);
    assert.equal(withinCostLimit({ inputPerMTok: 1, outputPerMTok: 1 }, 0.001), true);
  });
});
