/**
 * Cost-aware model selection: given what a request needs and what policies allow, the ordered
 * chain of models to try. The preferred model (if it qualifies) comes first, then every other
 * qualifying model, cheapest first (ranked by input + output price, see cost.ts; ties by id, so
 * the order is deterministic). Every model left out is listed with the reason.
 *
 * A model qualifies when it is available (enabled, provider configured), has every required
 * capability, a context window of at least `minContextTokens`, and passes the policy's
 * `models.allow` list and `models.maxCostPer1kTokens` limit.
 */
import type { Restrictions } from '../../kernel/index.js';
import { rankingCost, withinCostLimit } from './cost.js';
import type { ModelRegistry } from './registry.js';
import type { ModelCapability, ModelEntry } from './schema.js';

export interface ModelRequirements {
  /** Every capability the request needs (`chat` included when it is a chat). */
  capabilities: readonly ModelCapability[];
  minContextTokens?: number | undefined;
  /** A registry id the caller asked for; undefined for "auto". */
  preferred?: string | undefined;
}

export interface SkippedModel {
  model: string;
  reason: string;
}

export interface MissingRequirements {
  capabilities?: ModelCapability[];
  minContextTokens?: number;
}

export type Selection =
  | { ok: true; candidates: ModelEntry[]; reason: string; skipped: SkippedModel[] }
  | { ok: false; message: string; missing: MissingRequirements; skipped: SkippedModel[] };

type ModelPolicy = NonNullable<Restrictions['models']>;

export function selectModels(registry: ModelRegistry, requirements: ModelRequirements, policy: ModelPolicy | undefined = undefined): Selection {
  const skipped: SkippedModel[] = [];
  const qualifying: ModelEntry[] = [];
  const available: ModelEntry[] = [];
  for (const entry of registry.all()) {
    const availability = registry.availability(entry.id);
    if (!availability.available) {
      skipped.push({ model: entry.id, reason: `unavailable: ${availability.reason}` });
      continue;
    }
    available.push(entry);
    const reason = disqualification(entry, requirements, policy);
    if (reason === undefined) qualifying.push(entry);
    else skipped.push({ model: entry.id, reason });
  }
  qualifying.sort((a, b) => rankingCost(a.price) - rankingCost(b.price) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const preferred = requirements.preferred;
  if (preferred !== undefined && registry.get(preferred) === undefined) skipped.unshift({ model: preferred, reason: 'not in the model registry' });
  const first = qualifying.findIndex((entry) => entry.id === preferred);
  if (first > 0) qualifying.unshift(...qualifying.splice(first, 1));

  if (qualifying.length === 0) return { ok: false, skipped, ...explainNone(available, requirements, policy) };
  const head = qualifying[0]!;
  const reason =
    first >= 0
      ? `${head.id} was asked for and qualifies`
      : `${head.id} is the cheapest model with ${requirements.capabilities.join(', ')}${contextText(requirements)}${policyText(policy)}` +
        (preferred === undefined ? '' : ` (${preferred} was asked for: ${skipped.find((skip) => skip.model === preferred)?.reason ?? 'not chosen'})`);
  return { ok: true, candidates: qualifying, reason, skipped };
}

function disqualification(entry: ModelEntry, requirements: ModelRequirements, policy: ModelPolicy | undefined): string | undefined {
  const lacking = requirements.capabilities.filter((capability) => !entry.capabilities.includes(capability));
  if (lacking.length > 0) return `lacks ${lacking.join(', ')}`;
  if (requirements.minContextTokens !== undefined && entry.contextWindow < requirements.minContextTokens) {
    return `context window ${entry.contextWindow} is below the ${requirements.minContextTokens} tokens needed`;
  }
  if (policy?.allow && !policy.allow.includes(entry.id)) return 'not among the models a policy allows';
  if (policy?.maxCostPer1kTokens !== undefined && !withinCostLimit(entry.price, policy.maxCostPer1kTokens)) {
    return `costs more than the ${policy.maxCostPer1kTokens} USD per 1k tokens a policy allows (input ${entry.price.inputPerMTok}, output ${entry.price.outputPerMTok} USD per 1M)`;
  }
  return undefined;
}

/** Why nothing qualifies, naming what is missing: a capability, a context size, or the policy. */
function explainNone(available: readonly ModelEntry[], requirements: ModelRequirements, policy: ModelPolicy | undefined): { message: string; missing: MissingRequirements } {
  if (available.length === 0) {
    return {
      message: 'No model is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or AZURE_OPENAI_ENDPOINT, or add an openai-compatible model to models: in vextir.config.yaml',
      missing: { capabilities: [...requirements.capabilities] },
    };
  }
  const offered = new Set(available.flatMap((entry) => entry.capabilities));
  const absent = requirements.capabilities.filter((capability) => !offered.has(capability));
  const capable = available.filter((entry) => requirements.capabilities.every((capability) => entry.capabilities.includes(capability)));
  if (absent.length > 0 || capable.length === 0) {
    const capabilities = absent.length > 0 ? absent : [...requirements.capabilities];
    const what = absent.length > 0 ? absent.join(', ') : `${requirements.capabilities.join(', ')} together`;
    return { message: `No model configured for what this request needs: none offers ${what}`, missing: { capabilities } };
  }
  const minContext = requirements.minContextTokens;
  if (minContext !== undefined && capable.every((entry) => entry.contextWindow < minContext)) {
    const largest = Math.max(...capable.map((entry) => entry.contextWindow));
    return { message: `No model configured for what this request needs: a context window of ${minContext} tokens (the largest is ${largest})`, missing: { minContextTokens: minContext } };
  }
  return { message: `No model this request may use: every model that can do it is excluded by policy${policyText(policy)}`, missing: {} };
}

function contextText(requirements: ModelRequirements): string {
  return requirements.minContextTokens === undefined ? '' : ` and ${requirements.minContextTokens}+ tokens of context`;
}

function policyText(policy: ModelPolicy | undefined): string {
  const parts: string[] = [];
  if (policy?.allow) parts.push(`allow: ${policy.allow.join(', ') || '(none)'}`);
  if (policy?.maxCostPer1kTokens !== undefined) parts.push(`maxCostPer1kTokens: ${policy.maxCostPer1kTokens}`);
  return parts.length === 0 ? '' : ` within the policy (${parts.join('; ')})`;
}
