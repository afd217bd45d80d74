/** The model provider settings as src/config.ts parses them. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('model settings', () => {
  it('are all unset by default, with a 60 s call timeout', () => {
    const { models } = loadConfig({});
    assert.deepEqual({ ...models, setting: undefined }, {
      openai: { apiKey: undefined, baseUrl: undefined },
      anthropic: { apiKey: undefined, baseUrl: undefined },
      azureOpenAi: { endpoint: undefined, apiKey: undefined, deployments: {} },
      timeoutMs: 60_000,
      setting: undefined,
    });
  });

  it('read keys, base URLs and Azure deployments; empty means unset (as the Bicep writes it)', () => {
    const { models } = loadConfig({
      OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ANTHROPIC_API_KEY: '', AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENTS: ' gpt-4.1-mini = prod-mini , gpt-4o ', VEXTIR_MODEL_TIMEOUT_MS: '500',
    });
    assert.equal(models.openai.apiKey, 'sk-1');
    assert.equal(models.openai.baseUrl, 'http://127.0.0.1:9/v1');
    assert.equal(models.anthropic.apiKey, undefined);
    assert.deepEqual(models.azureOpenAi.deployments, { 'gpt-4.1-mini': 'prod-mini', 'gpt-4o': 'gpt-4o' });
    assert.equal(models.timeoutMs, 500);
  });

  it('refuse a malformed deployment list or base URL, naming the setting', () => {
    assert.throws(() => loadConfig({ AZURE_OPENAI_DEPLOYMENTS: 'a=b=c' }), /AZURE_OPENAI_DEPLOYMENTS: "a=b=c" is not <model id>=<deployment name>/);
    assert.throws(() => loadConfig({ OPENAI_BASE_URL: 'ftp://x' }), /OPENAI_BASE_URL/);
  });

  it('resolve a model entry\'s key setting, and only *_API_KEY names', () => {
    const { models } = loadConfig({ GROQ_API_KEY: 'gsk', COSMOS_KEY: 'secret', EMPTY_API_KEY: '' });
    assert.equal(models.setting('GROQ_API_KEY'), 'gsk');
    assert.equal(models.setting('COSMOS_KEY'), undefined);
    assert.equal(models.setting('EMPTY_API_KEY'), undefined);
  });
});
