/**
 * What a model is, as data: one entry per model the system may call. Built-in entries
 * (defaults.ts), entries derived from AZURE_OPENAI_DEPLOYMENTS (azure.ts) and entries from the
 * project file's `models:` list all pass this schema.
 */
import { z } from 'zod';

export const MODEL_CAPABILITIES = ['chat', 'tools', 'vision', 'json', 'embeddings'] as const;
export const modelCapabilitySchema = z.enum(MODEL_CAPABILITIES);
export type ModelCapability = z.infer<typeof modelCapabilitySchema>;

/**
 * `openai-compatible`: every server speaking OpenAI's chat-completions wire format (Ollama, vLLM,
 * LM Studio, a gateway); it needs a `baseUrl`.
 */
export const MODEL_PROVIDERS = ['openai', 'azure-openai', 'anthropic', 'openai-compatible'] as const;
export const modelProviderSchema = z.enum(MODEL_PROVIDERS);
export type ModelProvider = z.infer<typeof modelProviderSchema>;

/** `model.request` names a model by this id, or asks for `auto`, which is therefore no id. */
export const AUTO_MODEL = 'auto';

/**
 * Our id, not the provider's name: lower-case letters, digits, `.`, `_`, `-`. No `:` or `/`, so an
 * id fits in usage-counter keys and URLs as it is.
 */
export const modelIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit')
  .refine((id) => id !== AUTO_MODEL, `"${AUTO_MODEL}" is reserved: a request that asks for it lets the system choose`);

const usdPerMTok = z.number().nonnegative().finite();

/** US dollars per million tokens, as providers publish them. */
export const modelPriceSchema = z.strictObject({
  inputPerMTok: usdPerMTok,
  outputPerMTok: usdPerMTok,
  /** Input tokens read from the provider's prompt cache; without it they cost `inputPerMTok`. */
  cachedInputPerMTok: usdPerMTok.optional(),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/**
 * The name of the environment setting that holds a key, never the key. Only `*_API_KEY` names:
 * a project file cannot point a model server at COSMOS_KEY or a connection string.
 */
export const apiKeySettingSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,100}_API_KEY$/, 'must be the name of an environment setting ending in _API_KEY (e.g. GROQ_API_KEY), never the key itself');

const entryShape = {
  id: modelIdSchema,
  provider: modelProviderSchema,
  /** The provider's model name; for Azure OpenAI, the deployment name. */
  model: z.string().min(1).max(256),
  /** openai-compatible: required. Others: overrides the provider's URL for this model only. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  capabilities: z
    .array(modelCapabilitySchema)
    .min(1, 'a model needs at least one capability')
    .refine((list) => new Set(list).size === list.length, 'lists a capability twice'),
  /** Tokens of input plus output the model can take in one call. */
  contextWindow: z.number().int().positive(),
  /** The most output tokens one call may produce (0 for embedding models). */
  maxOutputTokens: z.number().int().nonnegative(),
  price: modelPriceSchema,
  /** Default true. `false` keeps the entry listed but never selected. */
  enabled: z.boolean().optional(),
  /** openai-compatible only: which setting holds the server's key (none: the server needs no key). */
  apiKeySetting: apiKeySettingSchema.optional(),
};

/** A complete entry (built-in, or new in the project file). */
export const modelEntrySchema = z
  .strictObject(entryShape)
  .superRefine((entry, issues) => {
    if (entry.provider === 'openai-compatible' && entry.baseUrl === undefined) {
      issues.addIssue({ code: 'custom', path: ['baseUrl'], message: 'an openai-compatible model needs the baseUrl of its server (e.g. http://127.0.0.1:11434/v1 for Ollama)' });
    }
    if (entry.apiKeySetting !== undefined && entry.provider !== 'openai-compatible') {
      issues.addIssue({ code: 'custom', path: ['apiKeySetting'], message: `only openai-compatible models name their key setting; ${entry.provider} uses its provider's setting` });
    }
    if (entry.maxOutputTokens > entry.contextWindow) {
      issues.addIssue({ code: 'custom', path: ['maxOutputTokens'], message: 'cannot exceed contextWindow' });
    }
  })
  .transform((entry) => ({ ...entry, enabled: entry.enabled ?? true }));
export type ModelEntryInput = z.input<typeof modelEntrySchema>;
export type ModelEntry = z.output<typeof modelEntrySchema>;

/**
 * A project-file entry: with the id of an existing entry, only the fields it names change
 * (`{id: gpt-4o, enabled: false}`, a new price); with a new id it must be complete. The merged
 * result is checked against `modelEntrySchema`.
 */
export const modelOverrideSchema = z.strictObject(entryShape).partial().extend({ id: modelIdSchema });
export type ModelOverride = z.infer<typeof modelOverrideSchema>;
