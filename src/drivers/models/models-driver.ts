/**
 * The built-in `models` driver: answers `model.request` with `model.response` (or `model.error`),
 * choosing the model from the registry within the policies' restrictions and falling back along
 * the candidate chain when a provider fails. One request is one model step: tools are described
 * to the model, never run here (the agent runtime runs them as events).
 *
 * - Invalid request -> `model.error` `invalid_request`, naming the field.
 * - No model qualifies -> `model.error` `no_model`, naming the missing capability or context size.
 *   Never a made-up answer.
 * - A provider refuses (400/401/403) -> `model.error` `provider_error` at once (401/403 name the
 *   setting to check).
 * - Every candidate failed with something worth retrying (429, 5xx, timeouts, network) -> a
 *   retryable `unavailable` KernelError (with the provider's retry-after), so the kernel
 *   redelivers the request later. Mixed failures -> `model.error` `provider_error`.
 *
 * External: it sends the conversation to providers, so policies with `redactPii` hand it a
 * redacted copy of the event, and `external: false` keeps it from running at all.
 */
import { KernelError, type Driver, type EmittedEvent, type Envelope } from '../../kernel/index.js';
import { AUTO_MODEL, credentialHint, selectModels, type ModelCapability, type ModelRegistry } from '../../registries/models/index.js';
import { defineDriver } from '../define-driver.js';
import { runChain } from './attempts.js';
import { MODEL_ERROR, MODEL_REQUEST, MODEL_RESPONSE, modelRequestSchema, type ModelError, type ModelRequest, type ModelResponse } from './contract.js';
import { loadSdk, ProviderModels } from './sdk.js';

export interface ModelsDriverOptions {
  registry: ModelRegistry;
  /** One provider call (VEXTIR_MODEL_TIMEOUT_MS); default 60 s. */
  callTimeoutMs?: number;
  /** The driver's timeout for a whole request, fallbacks included; default 120 s. */
  timeoutMs?: number;
  /** The longest retry-after the driver waits out before asking a rate-limited model again; default 5 s. */
  maxRetryWaitMs?: number;
}

/**
 * Time kept back from the driver's timeout (2 s, or a tenth of a short timeout) so the driver
 * answers, or fails retryably with its own account of the attempts, before the kernel gives up
 * on the run.
 */
const budgetMargin = (timeoutMs: number): number => Math.min(2000, timeoutMs / 10);

export function createModelsDriver(options: ModelsDriverOptions): Driver {
  const { registry } = options;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 5000;
  const models = new ProviderModels(registry.providers);
  return defineDriver({
    manifest: {
      id: 'models',
      name: 'Models',
      version: '1.0.0',
      type: 'io',
      author: 'Vextir OS',
      description: 'Answers model.request with model.response: cost-aware model selection, fallback across providers, metering',
      capabilities: [MODEL_REQUEST],
      external: true,
      resources: { timeout: timeoutMs, maxConcurrency: 64 },
    },
    async handle(event, context) {
      const started = performance.now();
      const parsed = modelRequestSchema.safeParse(event.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.join('.') ?? '';
        return [answerError(event, { code: 'invalid_request', message: `invalid model.request: ${field ? `${field}: ` : ''}${issue?.message ?? 'bad shape'}`, ...(field && { field }) })];
      }
      const request = parsed.data;
      const selection = selectModels(registry, { capabilities: requiredCapabilities(request), minContextTokens: request.requires?.minContextTokens, preferred: request.model === AUTO_MODEL ? undefined : request.model }, context.restrictions.models);
      if (!selection.ok) return [answerError(event, { code: 'no_model', message: selection.message, missing: selection.missing, skipped: selection.skipped })];

      const sdk = await loadSdk();
      const outcome = await runChain(sdk, models, selection.candidates, request, context, { callTimeoutMs, maxRetryWaitMs, deadline: started + timeoutMs - budgetMargin(timeoutMs) });
      const { attempts } = outcome;
      switch (outcome.kind) {
        case 'answered': {
          const { entry, result } = outcome;
          if (result.warnings.length > 0) context.logger.debug({ model: entry.id, warnings: result.warnings }, 'the provider accepted the request with warnings');
          const usage: ModelResponse['usage'] = { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, costUsd: outcome.costUsd };
          if (result.usage.cachedInputTokens !== undefined) usage.cachedInputTokens = result.usage.cachedInputTokens;
          const answer: ModelResponse = {
            requestId: event.id,
            model: entry.id,
            provider: entry.provider,
            providerModel: entry.model,
            selection: { reason: selection.reason, candidates: selection.candidates.map((candidate) => candidate.id), skipped: selection.skipped, attempts },
            message: { content: result.content, toolCalls: result.toolCalls },
            ...(result.output !== undefined && { output: result.output }),
            finishReason: result.finishReason,
            usage,
            latencyMs: outcome.latencyMs,
          };
          return [{ type: MODEL_RESPONSE, data: answer } satisfies EmittedEvent];
        }
        case 'refused': {
          const { entry, failure } = outcome;
          const hint = failure.status === 401 || failure.status === 403 ? ` (the ${entry.provider} credentials were refused: ${credentialHint(entry, registry.providers)})` : '';
          return [answerError(event, { code: 'provider_error', message: `${entry.id} refused the request with ${failure.status}: ${failure.message}${hint}`, attempts })];
        }
        case 'exhausted': {
          const summary = attempts.map((attempt) => `${attempt.model}: ${attempt.status ?? ''} ${attempt.error}`.replace('  ', ' ')).join('; ');
          if (outcome.retryable) {
            // Redelivered later by the kernel (with backoff, at least the provider's retry-after).
            throw new KernelError('unavailable', `no model could answer now; the request will be retried (${summary || 'no attempt fitted in the time budget'})`, {
              retryable: true,
              ...(outcome.retryAfterMs !== undefined && { retryAfterMs: outcome.retryAfterMs }),
              details: { attempts },
            });
          }
          return [answerError(event, { code: 'provider_error', message: `every candidate model failed: ${summary}`, attempts })];
        }
      }
    },
  });
}

/** `chat` always; `tools` when tools are given; `json` when an outputSchema is. */
function requiredCapabilities(request: ModelRequest): ModelCapability[] {
  const required = new Set<ModelCapability>(['chat', ...(request.requires?.capabilities ?? [])]);
  if (request.tools && request.tools.length > 0) required.add('tools');
  if (request.outputSchema) required.add('json');
  return [...required];
}

function answerError(event: Envelope, error: Omit<ModelError, 'requestId'>): EmittedEvent {
  const data: ModelError = { requestId: event.id, ...error };
  return { type: MODEL_ERROR, data };
}
