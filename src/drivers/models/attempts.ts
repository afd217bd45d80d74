/**
 * The fallback chain: try each candidate model in order until one answers.
 *
 * - Each call gets `callTimeoutMs` (VEXTIR_MODEL_TIMEOUT_MS), cut to what is left of the
 *   driver's time budget, so a slow provider leaves time for the next one.
 * - A 429 with a retry-after of at most `maxRetryWaitMs` (and within the budget) is waited out
 *   and the same model asked once more; a longer one moves on to the next model at once.
 * - Every failure is recorded (model, message, status, retry-after); failures.ts decides
 *   whether to go on, stop, or leave it to a later redelivery.
 * - The driver's signal (its timeout, a shutdown) ends everything: its reason is thrown.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { costUsd, type ModelEntry } from '../../registries/models/index.js';
import { NOOP_SPAN, type DriverContext, type TraceSpan } from '../../kernel/index.js';
import { callModel, type CallResult } from './call-model.js';
import type { ModelAttempt, ModelRequest } from './contract.js';
import { classifyFailure, type Failure } from './failures.js';
import type { ProviderModels, Sdk } from './sdk.js';

export interface ChainOptions {
  callTimeoutMs: number;
  maxRetryWaitMs: number;
  /** performance.now() after which no call starts. */
  deadline: number;
}

export type ChainOutcome =
  | { kind: 'answered'; entry: ModelEntry; result: CallResult; costUsd: number; latencyMs: number; attempts: ModelAttempt[] }
  /** Stopped at a refusal (400/401/403): `failure` is it. */
  | { kind: 'refused'; entry: ModelEntry; failure: Failure; attempts: ModelAttempt[] }
  /** Every candidate failed; `retryable` when every failure was worth retrying later. */
  | { kind: 'exhausted'; retryable: boolean; retryAfterMs?: number; attempts: ModelAttempt[] };

export async function runChain(sdk: Sdk, models: ProviderModels, candidates: readonly ModelEntry[], request: ModelRequest, context: DriverContext, options: ChainOptions): Promise<ChainOutcome> {
  const attempts: ModelAttempt[] = [];
  const failures: Failure[] = [];
  for (const entry of candidates) {
    for (let retry = 0; retry < 2; retry += 1) {
      const left = Math.floor(options.deadline - performance.now());
      if (left <= 0) return exhausted([...failures, { kind: 'retryable', message: 'the time budget ran out' }], attempts);
      const timeoutMs = Math.min(options.callTimeoutMs, left);
      const timeout = AbortSignal.timeout(timeoutMs);
      const started = performance.now();
      const span = callSpan(context.trace ?? NOOP_SPAN, entry, request);
      try {
        const result = await callModel(sdk, models, entry, request, AbortSignal.any([context.signal, timeout]));
        const cost = report(context, entry, result.usage);
        span.setAttributes({ 'gen_ai.response.model': entry.model });
        endCallSpan(span, result.usage, cost, { finishReason: result.finishReason });
        return { kind: 'answered', entry, result, costUsd: cost, latencyMs: Math.round(performance.now() - started), attempts };
      } catch (error) {
        if (context.signal.aborted) {
          span.end({ code: 'aborted', message: 'the driver was stopped (its timeout, or a shutdown)' });
          throw context.signal.reason;
        }
        const failure = classifyFailure(sdk, error, timeout.aborted ? { afterMs: timeoutMs } : undefined);
        const cost = failure.usage ? report(context, entry, failure.usage) : undefined;
        endCallSpan(span, failure.usage, cost, { error: { code: failure.status === undefined ? failure.kind : String(failure.status), message: failure.message } });
        attempts.push(attemptOf(entry, failure));
        failures.push(failure);
        if (failure.kind === 'fatal') return { kind: 'refused', entry, failure, attempts };
        const wait = failure.retryAfterMs;
        const waitable = failure.status === 429 && wait !== undefined && wait <= options.maxRetryWaitMs && performance.now() + wait < options.deadline;
        if (retry > 0 || !waitable) break;
        context.logger.debug({ model: entry.id, waitMs: wait }, 'rate limited: waiting as the provider asks, then asking again');
        await sleep(wait, undefined, { signal: context.signal }).catch(() => {
          throw context.signal.reason;
        });
      }
    }
  }
  return exhausted(failures, attempts);
}

function exhausted(failures: readonly Failure[], attempts: ModelAttempt[]): ChainOutcome {
  const retryable = failures.length > 0 && failures.every((failure) => failure.kind === 'retryable');
  const hints = failures.map((failure) => failure.retryAfterMs).filter((ms) => ms !== undefined);
  // The soonest any provider said it may answer again.
  return hints.length > 0 ? { kind: 'exhausted', retryable, retryAfterMs: Math.min(...hints), attempts } : { kind: 'exhausted', retryable, attempts };
}

function attemptOf(entry: ModelEntry, failure: Failure): ModelAttempt {
  const attempt: ModelAttempt = { model: entry.id, error: failure.message };
  if (failure.status !== undefined) attempt.status = failure.status;
  if (failure.retryAfterMs !== undefined) attempt.retryAfterMs = failure.retryAfterMs;
  return attempt;
}

/**
 * One provider call as a client span, named and attributed by OpenTelemetry's GenAI conventions
 * (`chat <model>`, gen_ai.*); the registry's id and the cost are ours (vextir.model.*).
 */
function callSpan(parent: TraceSpan, entry: ModelEntry, request: ModelRequest): TraceSpan {
  if (!parent.recording) return parent;
  const provider = GEN_AI_PROVIDERS[entry.provider];
  return parent.startChild(
    `chat ${entry.model}`,
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': provider,
      // The name before semantic conventions 1.37, which some backends still read.
      'gen_ai.system': provider,
      'gen_ai.request.model': entry.model,
      'gen_ai.request.max_tokens': request.maxOutputTokens,
      'gen_ai.request.temperature': request.temperature,
      'vextir.model.id': entry.id,
      'vextir.model.provider': entry.provider,
    },
    'client',
  );
}

function endCallSpan(span: TraceSpan, usage: CallResult['usage'] | undefined, cost: number | undefined, end: { finishReason?: string; error?: { code: string; message: string } }): void {
  if (!span.recording) return;
  span.setAttributes({
    'gen_ai.usage.input_tokens': usage?.inputTokens,
    'gen_ai.usage.output_tokens': usage?.outputTokens,
    'gen_ai.usage.cache_read.input_tokens': usage?.cachedInputTokens,
    'gen_ai.response.finish_reasons': end.finishReason === undefined ? undefined : [end.finishReason],
    'vextir.model.cost_usd': cost,
  });
  span.end(end.error);
}

/** gen_ai.provider.name's well-known values; an OpenAI-compatible server is named as OpenAI's wire format. */
const GEN_AI_PROVIDERS: Record<ModelEntry['provider'], string> = {
  openai: 'openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  'openai-compatible': 'openai',
};

/** Meters one call: cost at the registry's prices, counted for the user per model and day. */
function report(context: DriverContext, entry: ModelEntry, usage: CallResult['usage']): number {
  const cost = costUsd(entry.price, usage);
  context.reportUsage({ model: entry.id, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens ?? 0, costUsd: cost });
  return cost;
}
