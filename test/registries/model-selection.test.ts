/** Model selection: examples, then properties over generated registries, requirements and policies. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  MODEL_CAPABILITIES,
  createModelRegistry,
  rankingCost,
  selectModels,
  withinCostLimit,
  type ModelCapability,
  type ModelEntryInput,
  type ModelRequirements,
} from '../../src/registries/models/index.js';
import { providers } from './helpers.js';

const openaiOnly = () => createModelRegistry({ providers: providers({ openai: { apiKey: 'k' } }) });

describe('selectModels, by example', () => {
  it('puts the cheapest qualifying model first and says why', () => {
    const selection = selectModels(openaiOnly(), { capabilities: ['chat'] });
    assert.ok(selection.ok);
    assert.equal(selection.candidates[0]?.id, 'gpt-5-nano');
    assert.match(selection.reason, /gpt-5-nano is the cheapest model with chat/);
    assert.ok(selection.skipped.some((skip) => skip.model === 'claude-haiku-4-5' && /ANTHROPIC_API_KEY/.test(skip.reason)));
    assert.ok(selection.skipped.some((skip) => skip.model === 'text-embedding-3-small' && skip.reason === 'lacks chat'));
  });

  it('puts a preferred model first when it qualifies, and falls back to the cheapest when it does not', () => {
    const preferred = selectModels(openaiOnly(), { capabilities: ['chat'], preferred: 'gpt-4o' });
    assert.ok(preferred.ok);
    assert.equal(preferred.candidates[0]?.id, 'gpt-4o');
    assert.equal(preferred.candidates[1]?.id, 'gpt-5-nano');
    const tooSmall = selectModels(openaiOnly(), { capabilities: ['chat'], preferred: 'gpt-4o', minContextTokens: 300_000 });
    assert.ok(tooSmall.ok);
    assert.notEqual(tooSmall.candidates[0]?.id, 'gpt-4o');
    assert.match(tooSmall.reason, /gpt-4o was asked for: context window 128000 is below/);
  });

  it('honours a policy: the allow list and the cost limit', () => {
    const allowed = selectModels(openaiOnly(), { capabilities: ['chat'] }, { allow: ['gpt-4.1', 'gpt-4o'] });
    assert.ok(allowed.ok);
    assert.deepEqual(allowed.candidates.map((entry) => entry.id), ['gpt-4.1', 'gpt-4o']);
    const cheap = selectModels(openaiOnly(), { capabilities: ['chat'], preferred: 'gpt-4o' }, { maxCostPer1kTokens: 0.001 });
    assert.ok(cheap.ok);
    assert.deepEqual(cheap.candidates.map((entry) => entry.id), ['gpt-5-nano', 'gpt-4.1-nano', 'gpt-4o-mini']);
    assert.ok(cheap.skipped.some((skip) => skip.model === 'gpt-4o' && /0.001 USD per 1k tokens a policy allows/.test(skip.reason)));
  });

  it('names the missing capability, context size, or the policy when nothing qualifies', () => {
    const embeddingsOnly = createModelRegistry({ providers: providers({ openai: { apiKey: 'k' } }), defaults: [{ id: 'e', provider: 'openai', model: 'e', capabilities: ['embeddings'], contextWindow: 8000, maxOutputTokens: 0, price: { inputPerMTok: 0.02, outputPerMTok: 0 } }] });
    const noChat = selectModels(embeddingsOnly, { capabilities: ['chat', 'tools'] });
    assert.ok(!noChat.ok);
    assert.deepEqual(noChat.missing, { capabilities: ['chat', 'tools'] });
    assert.match(noChat.message, /none offers chat, tools/);
    const noContext = selectModels(openaiOnly(), { capabilities: ['chat'], minContextTokens: 5_000_000 });
    assert.ok(!noContext.ok);
    assert.deepEqual(noContext.missing, { minContextTokens: 5_000_000 });
    const policy = selectModels(openaiOnly(), { capabilities: ['chat'] }, { allow: [] });
    assert.ok(!policy.ok);
    assert.deepEqual(policy.missing, {});
    assert.match(policy.message, /excluded by policy/);
    const nothing = selectModels(createModelRegistry({ providers: providers() }), { capabilities: ['chat'] });
    assert.ok(!nothing.ok);
    assert.match(nothing.message, /No model is configured: set OPENAI_API_KEY/);
  });
});

// Generated worlds: a few models over two providers, one of them perhaps unconfigured.
const capabilities = fc.subarray([...MODEL_CAPABILITIES], { minLength: 1 });
const price = fc.record({ inputPerMTok: fc.integer({ min: 0, max: 40 }).map((n) => n / 4), outputPerMTok: fc.integer({ min: 0, max: 80 }).map((n) => n / 4) });
const entry = (id: string) =>
  fc.record({
    provider: fc.constantFrom('openai', 'anthropic'),
    capabilities,
    contextWindow: fc.integer({ min: 1000, max: 400_000 }),
    price,
    enabled: fc.boolean(),
  }).map((fields): ModelEntryInput => ({ id, model: id, maxOutputTokens: 0, ...fields }));
const world = fc.record({
  entries: fc.uniqueArray(fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5', 'm6'), { minLength: 1, maxLength: 6 }).chain((ids) => fc.tuple(...ids.map(entry))),
  openai: fc.boolean(),
  anthropic: fc.boolean(),
});
const requirements = fc.record({
  capabilities: fc.subarray<ModelCapability>([...MODEL_CAPABILITIES], { minLength: 1 }),
  minContextTokens: fc.option(fc.integer({ min: 1000, max: 400_000 }), { nil: undefined }),
  preferred: fc.option(fc.constantFrom('m1', 'm2', 'm3', 'unknown'), { nil: undefined }),
}) as fc.Arbitrary<ModelRequirements>;
const policy = fc.option(
  fc.record({ allow: fc.option(fc.subarray(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']), { nil: undefined }), maxCostPer1kTokens: fc.option(fc.integer({ min: 0, max: 20 }).map((n) => n / 1000), { nil: undefined }) }, { requiredKeys: [] }),
  { nil: undefined },
);

function build(w: { entries: ModelEntryInput[]; openai: boolean; anthropic: boolean }) {
  return createModelRegistry({ defaults: w.entries, providers: providers({ openai: w.openai ? { apiKey: 'k' } : {}, anthropic: w.anthropic ? { apiKey: 'k' } : {} }) });
}

describe('selectModels, properties', () => {
  it('returns only qualifying models, cheapest first after the preferred one, and accounts for every model', () => {
    fc.assert(
      fc.property(world, requirements, policy, (w, req, pol) => {
        const registry = build(w);
        const selection = selectModels(registry, req, pol);
        const chosen = selection.ok ? selection.candidates.map((candidate) => candidate.id) : [];
        for (const id of chosen) {
          const candidate = registry.get(id)!;
          assert.ok(registry.availability(id).available);
          assert.ok(req.capabilities.every((capability) => candidate.capabilities.includes(capability)));
          assert.ok(req.minContextTokens === undefined || candidate.contextWindow >= req.minContextTokens);
          assert.ok(!pol?.allow || pol.allow.includes(id));
          assert.ok(pol?.maxCostPer1kTokens === undefined || withinCostLimit(candidate.price, pol.maxCostPer1kTokens));
        }
        // Every registry entry is either chosen or skipped, exactly once.
        const skipped = selection.skipped.map((skip) => skip.model).filter((id) => registry.get(id) !== undefined);
        assert.deepEqual([...chosen, ...skipped].sort(), registry.all().map((e) => e.id).sort());
        const rest = req.preferred !== undefined && chosen[0] === req.preferred ? chosen.slice(1) : chosen;
        assert.ok(!rest.includes(req.preferred ?? '') || chosen[0] === req.preferred);
        for (let i = 1; i < rest.length; i += 1) assert.ok(rankingCost(registry.get(rest[i - 1]!)!.price) <= rankingCost(registry.get(rest[i]!)!.price));
      }),
      { numRuns: 400 },
    );
  });

  it('chooses the preferred model first exactly when it qualifies', () => {
    fc.assert(
      fc.property(world, requirements, policy, (w, req, pol) => {
        const registry = build(w);
        const selection = selectModels(registry, req, pol);
        const preferredQualifies = req.preferred !== undefined && selectModels(registry, { ...req, preferred: undefined }, pol).ok && (selectModels(registry, { ...req, preferred: undefined }, pol) as { candidates: Array<{ id: string }> }).candidates.some((c) => c.id === req.preferred);
        assert.equal(selection.ok && selection.candidates[0]?.id === req.preferred, preferredQualifies);
      }),
      { numRuns: 300 },
    );
  });

  it('only narrows the chain when a policy tightens, and never invents a model', () => {
    fc.assert(
      fc.property(world, requirements, fc.integer({ min: 0, max: 20 }).map((n) => n / 1000), (w, req, limit) => {
        const registry = build(w);
        const loose = selectModels(registry, req);
        const tight = selectModels(registry, req, { maxCostPer1kTokens: limit });
        const looseIds = new Set(loose.ok ? loose.candidates.map((c) => c.id) : []);
        for (const id of tight.ok ? tight.candidates.map((c) => c.id) : []) assert.ok(looseIds.has(id));
      }),
      { numRuns: 300 },
    );
  });

  it('answers no model with a missing capability whenever no available model offers one the request needs', () => {
    fc.assert(
      fc.property(world, requirements, (w, req) => {
        const registry = build(w);
        const selection = selectModels(registry, req);
        const available = registry.all().filter((e) => registry.availability(e.id).available);
        const absent = req.capabilities.filter((capability) => !available.some((e) => e.capabilities.includes(capability)));
        if (absent.length > 0) {
          assert.ok(!selection.ok);
          for (const capability of absent) assert.ok(selection.missing.capabilities?.includes(capability));
        }
        assert.equal(selection.ok, available.some((e) => req.capabilities.every((c) => e.capabilities.includes(c)) && (req.minContextTokens === undefined || e.contextWindow >= req.minContextTokens)));
      }),
      { numRuns: 300 },
    );
  });
});
