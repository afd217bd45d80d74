/**
 * The `models` driver's event contract, as zod schemas: what `model.request` carries, and what
 * `model.response` and `model.error` answer. The agent runtime builds requests and parses
 * answers with these; the driver parses every request (an invalid one is answered with
 * `model.error` code `invalid_request`, naming the field).
 *
 * Objects are not strict: a sender may add fields of its own (they are ignored), so the
 * contract can grow without breaking senders.
 */
import { z } from 'zod';
import { modelCapabilitySchema } from '../../registries/models/index.js';

export const MODEL_REQUEST = 'model.request';
export const MODEL_RESPONSE = 'model.response';
export const MODEL_ERROR = 'model.error';

export const modelToolCallSchema = z.object({
  /** The provider's id for the call; a `tool` message answers it with the same id. */
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.unknown(),
});
export type ModelToolCall = z.infer<typeof modelToolCallSchema>;

export const modelMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({ role: z.literal('assistant'), content: z.string().optional(), toolCalls: z.array(modelToolCallSchema).optional() }),
  z.object({ role: z.literal('tool'), toolCallId: z.string().min(1), name: z.string().min(1), content: z.string(), isError: z.boolean().optional() }),
]);
export type ModelMessage = z.infer<typeof modelMessageSchema>;

export const modelToolSchema = z.object({
  /** What providers accept as a function name. */
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
  description: z.string(),
  /** JSON Schema of the tool's arguments. */
  inputSchema: z.record(z.string(), z.unknown()),
});
export type ModelTool = z.infer<typeof modelToolSchema>;

export const modelRequestSchema = z.object({
  /** A registry model id, or `auto`. Always present, so policies that test `model != ''` apply. */
  model: z.string().min(1, 'must name a model id or "auto"'),
  messages: z.array(modelMessageSchema).min(1, 'must hold at least one message'),
  tools: z
    .array(modelToolSchema)
    .refine((tools) => new Set(tools.map((tool) => tool.name)).size === tools.length, 'tool names must be unique')
    .optional(),
  /** `chat` is always required, `tools` when tools are given, `json` when outputSchema is. */
  requires: z.object({ capabilities: z.array(modelCapabilitySchema).optional(), minContextTokens: z.number().int().positive().optional() }).optional(),
  /** Capped at the chosen model's maximum. */
  maxOutputTokens: z.number().int().positive().optional(),
  /** JSON Schema: the answer is an object of this shape (`output` in the response). */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  temperature: z.number().min(0).max(2).optional(),
});
export type ModelRequest = z.infer<typeof modelRequestSchema>;

export const modelAttemptSchema = z.object({
  model: z.string(),
  error: z.string(),
  status: z.number().int().optional(),
  retryAfterMs: z.number().nonnegative().optional(),
});
export type ModelAttempt = z.infer<typeof modelAttemptSchema>;

const skippedSchema = z.array(z.object({ model: z.string(), reason: z.string() }));

export const modelResponseSchema = z.object({
  /** The `model.request` event's id (also the answer's causation id). */
  requestId: z.string(),
  /** The registry id of the model that answered. */
  model: z.string(),
  provider: z.string(),
  /** The provider's model name (the deployment name on Azure OpenAI). */
  providerModel: z.string(),
  /** Which model answered and why: the chain tried, the models left out, the failed attempts. */
  selection: z.object({ reason: z.string(), candidates: z.array(z.string()), skipped: skippedSchema, attempts: z.array(modelAttemptSchema) }),
  message: z.object({ content: z.string(), toolCalls: z.array(modelToolCallSchema) }),
  /** With outputSchema: the parsed object (absent when the model asked for tools instead). */
  output: z.unknown().optional(),
  /** stop | length | content-filter | tool-calls | error | other */
  finishReason: z.string(),
  /** `inputTokens` includes `cachedInputTokens`; costUsd at the registry's prices. */
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cachedInputTokens: z.number().optional(), costUsd: z.number() }),
  /** How long the answering call took. */
  latencyMs: z.number(),
});
export type ModelResponse = z.infer<typeof modelResponseSchema>;

/**
 * - `invalid_request`: the request does not match the contract (`field` names where).
 * - `no_model`: no model has what the request needs, or policies exclude every one that does
 *   (`missing` names the capability or context size; `skipped` says why each model was left out).
 * - `provider_error`: a provider refused the request (400/401/403), or every candidate failed
 *   and not all failures were worth retrying (`attempts`). Failures that are all retryable
 *   (429, 5xx, timeouts, network) are not answered: the driver fails retryably and the kernel
 *   redelivers the request later.
 */
export const modelErrorCodeSchema = z.enum(['no_model', 'invalid_request', 'provider_error']);
export type ModelErrorCode = z.infer<typeof modelErrorCodeSchema>;

export const modelErrorSchema = z.object({
  requestId: z.string(),
  code: modelErrorCodeSchema,
  message: z.string(),
  field: z.string().optional(),
  missing: z.object({ capabilities: z.array(z.string()).optional(), minContextTokens: z.number().optional() }).optional(),
  skipped: skippedSchema.optional(),
  attempts: z.array(modelAttemptSchema).optional(),
});
export type ModelError = z.infer<typeof modelErrorSchema>;
