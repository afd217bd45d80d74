/** One provider call: one `generateText` step for one model, mapped back to the contract's shapes. */
import { z } from 'zod';
import type { ModelEntry } from '../../registries/models/index.js';
import type { ModelRequest, ModelToolCall } from './contract.js';
import { toSdkMessages, toSdkTools } from './messages.js';
import type { ProviderModels, Sdk } from './sdk.js';

export interface CallResult {
  content: string;
  toolCalls: ModelToolCall[];
  /** Set when the request had an outputSchema and the model answered (rather than calling tools). */
  output?: unknown;
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number };
  warnings: string[];
}

export async function callModel(sdk: Sdk, models: ProviderModels, entry: ModelEntry, request: ModelRequest, signal: AbortSignal): Promise<CallResult> {
  const model = await models.languageModel(entry);
  const maxOutputTokens = Math.min(request.maxOutputTokens ?? entry.maxOutputTokens, entry.maxOutputTokens);
  const outputSchema = request.outputSchema;
  const result = await sdk.ai.generateText({
    model,
    messages: toSdkMessages(request.messages),
    allowSystemInMessages: true,
    maxRetries: 0, // retries and fallback are the driver's (attempts.ts)
    abortSignal: signal,
    ...(maxOutputTokens > 0 && { maxOutputTokens }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.tools && request.tools.length > 0 && { tools: toSdkTools(sdk, request.tools) }),
    ...(outputSchema && { output: sdk.ai.Output.object({ schema: sdk.ai.jsonSchema(outputSchema, validatorFor(outputSchema)) }) }),
  });
  const toolCalls = result.toolCalls.map((call) => ({ id: call.toolCallId, name: call.toolName, arguments: call.input }));
  const usage: CallResult['usage'] = { inputTokens: result.usage.inputTokens ?? 0, outputTokens: result.usage.outputTokens ?? 0 };
  const cached = result.usage.inputTokenDetails.cacheReadTokens;
  if (cached) usage.cachedInputTokens = cached;
  const answer: CallResult = {
    content: result.text,
    toolCalls,
    finishReason: result.finishReason,
    usage,
    warnings: result.warnings?.map((warning) => JSON.stringify(warning)) ?? [],
  };
  // The SDK parses (and validates) the output when the model answered; asking for it after a
  // tool call would throw, and there is nothing to parse then.
  if (outputSchema && toolCalls.length === 0) answer.output = result.output;
  return answer;
}

/**
 * The answer is checked against the request's JSON Schema here too, not only by the provider's
 * structured-output mode (which some models and OpenAI-compatible servers do not enforce). A
 * schema zod cannot translate is left to the provider.
 */
function validatorFor(schema: Record<string, unknown>): { validate?: (value: unknown) => { success: true; value: unknown } | { success: false; error: Error } } {
  let checker: z.ZodType;
  try {
    checker = z.fromJSONSchema(schema);
  } catch {
    return {};
  }
  return {
    validate: (value) => {
      const parsed = checker.safeParse(value);
      return parsed.success ? { success: true, value: parsed.data } : { success: false, error: new Error(z.prettifyError(parsed.error)) };
    },
  };
}
