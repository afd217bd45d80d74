/** Provider settings for registry tests: nothing configured unless a test says so. */
import type { ModelProviderSettings } from '../../src/registries/models/index.js';

export function providers(overrides: Partial<ModelProviderSettings> = {}, settings: Record<string, string> = {}): ModelProviderSettings {
  return { openai: {}, anthropic: {}, azureOpenAi: {}, setting: (name) => settings[name], ...overrides };
}
