/**
 * The built-in models: OpenAI's and Anthropic's current general-purpose lineup with their
 * published list prices (USD per million tokens, standard tier: no batch discount, no long-
 * context surcharge, prompt-cache writes not priced separately).
 *
 * Sources: openai.com/api/pricing and platform.openai.com/docs/models; anthropic.com/pricing and
 * platform.claude.com/docs/en/about-claude/pricing; prices as published in 2025 and unchanged in
 * the pricing tables checked for this change (2026). Prices change: override an entry's `price`
 * in vextir.config.yaml rather than trusting this list for billing.
 *
 * Left out on purpose: Claude Opus 4.1 (Anthropic lists it as retired on its own API) and models
 * whose prices could not be confirmed here; add them in the project file with their prices.
 * Azure OpenAI entries are derived from these (azure.ts): Azure's global-deployment prices follow
 * OpenAI's list prices.
 */
import type { ModelEntryInput } from './schema.js';

const OPENAI_CHAT = ['chat', 'tools', 'vision', 'json'] as const;
const CLAUDE = ['chat', 'tools', 'vision', 'json'] as const;

function openai(id: string, contextWindow: number, maxOutputTokens: number, input: number, cached: number, output: number): ModelEntryInput {
  return { id, provider: 'openai', model: id, capabilities: [...OPENAI_CHAT], contextWindow, maxOutputTokens, price: { inputPerMTok: input, cachedInputPerMTok: cached, outputPerMTok: output } };
}

function claude(id: string, contextWindow: number, maxOutputTokens: number, input: number, cached: number, output: number): ModelEntryInput {
  return { id, provider: 'anthropic', model: id, capabilities: [...CLAUDE], contextWindow, maxOutputTokens, price: { inputPerMTok: input, cachedInputPerMTok: cached, outputPerMTok: output } };
}

export const DEFAULT_MODELS: readonly ModelEntryInput[] = Object.freeze([
  //     id              context    max out   input  cached   output
  openai('gpt-5',        400_000,   128_000,  1.25,  0.125,   10.0),
  openai('gpt-5-mini',   400_000,   128_000,  0.25,  0.025,   2.0),
  openai('gpt-5-nano',   400_000,   128_000,  0.05,  0.005,   0.4),
  openai('gpt-4.1',      1_047_576, 32_768,   2.0,   0.5,     8.0),
  openai('gpt-4.1-mini', 1_047_576, 32_768,   0.4,   0.1,     1.6),
  openai('gpt-4.1-nano', 1_047_576, 32_768,   0.1,   0.025,   0.4),
  openai('gpt-4o',       128_000,   16_384,   2.5,   1.25,    10.0),
  openai('gpt-4o-mini',  128_000,   16_384,   0.15,  0.075,   0.6),
  openai('o3',           200_000,   100_000,  2.0,   0.5,     8.0),
  openai('o4-mini',      200_000,   100_000,  1.1,   0.275,   4.4),
  {
    id: 'text-embedding-3-small', provider: 'openai', model: 'text-embedding-3-small', capabilities: ['embeddings'],
    contextWindow: 8191, maxOutputTokens: 0, price: { inputPerMTok: 0.02, outputPerMTok: 0 },
  },
  {
    id: 'text-embedding-3-large', provider: 'openai', model: 'text-embedding-3-large', capabilities: ['embeddings'],
    contextWindow: 8191, maxOutputTokens: 0, price: { inputPerMTok: 0.13, outputPerMTok: 0 },
  },
  //     id                   context  max out  input  cached  output
  claude('claude-opus-4-5',   200_000, 64_000,  5.0,   0.5,    25.0),
  claude('claude-sonnet-4-5', 200_000, 64_000,  3.0,   0.3,    15.0),
  claude('claude-haiku-4-5',  200_000, 64_000,  1.0,   0.1,    5.0),
]);
