/** Prices: what one call cost, how models compare, and whether one is within a policy's limit. */
import type { ModelPrice } from './schema.js';

export interface TokenCounts {
  /** Every input token, cached ones included (as OpenAI and the AI SDK report them). */
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  cachedInputTokens?: number | undefined;
}

const PER_MILLION = 1_000_000;

/**
 * USD for one call: uncached input at the input price, cached input at the cached price (the
 * input price when the model has none), output at the output price. Cached tokens are part of
 * `inputTokens`, so they are billed once, at their own price.
 */
export function costUsd(price: ModelPrice, tokens: TokenCounts): number {
  const cached = Math.min(tokens.cachedInputTokens ?? 0, tokens.inputTokens);
  const uncached = tokens.inputTokens - cached;
  const cachedPrice = price.cachedInputPerMTok ?? price.inputPerMTok;
  return (uncached * price.inputPerMTok + cached * cachedPrice + tokens.outputTokens * price.outputPerMTok) / PER_MILLION;
}

/**
 * The number models are ranked by, cheapest first: input plus output price per million tokens.
 * A sum rather than a guess at the input/output mix of a request that has not run yet; it ranks
 * every published lineup the way their blended prices do.
 */
export function rankingCost(price: ModelPrice): number {
  return price.inputPerMTok + price.outputPerMTok;
}

/**
 * A policy's `models.maxCostPer1kTokens` applies to "input and output alike": a model fits when
 * neither its input nor its output price per 1,000 tokens is above the limit.
 */
export function withinCostLimit(price: ModelPrice, maxCostPer1kTokens: number): boolean {
  const limitPerMTok = maxCostPer1kTokens * 1000;
  // A hair of tolerance: 0.001 USD/1k and 1.0 USD/M are the same price written two ways.
  const tolerance = 1e-9 * Math.max(1, limitPerMTok);
  return price.inputPerMTok <= limitPerMTok + tolerance && price.outputPerMTok <= limitPerMTok + tolerance;
}
