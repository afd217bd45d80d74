/**
 * Models end to end, over HTTP on the embedded host, with OpenAI and Anthropic served by the
 * loopback model servers: a `model.request` is answered by a `model.response` child that says
 * which model answered and why; usage per model shows in GET /api/usage; policies choose among
 * models, redact what is sent out, and deny once the budget is spent.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';
import { startAnthropicServer, startOpenAiServer, type ModelServer } from '../helpers/model-servers/index.js';

let openai: ModelServer;
let anthropic: ModelServer;
let system: TestSystem;

function providerEnv(): Record<string, string> {
  return { OPENAI_API_KEY: 'sk-e2e-openai', OPENAI_BASE_URL: openai.url, ANTHROPIC_API_KEY: 'sk-ant-e2e', ANTHROPIC_BASE_URL: anthropic.url };
}

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAiServer(), startAnthropicServer()]);
  system = await startTestSystem({ env: providerEnv(), project: { models: [{ id: 'gpt-5', enabled: false }] } });
});
afterAll(async () => {
  await system.stop();
  await Promise.all([openai.close(), anthropic.close()]);
});
beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

interface Child {
  type: string;
  data: Record<string, unknown>;
}

/** Sends a model.request as `user` and returns the record and its first child (the answer). */
async function request(on: TestSystem, user: string, data: unknown): Promise<{ status: string; answer: Child | undefined }> {
  const id = await on.emit(user, 'model.request', data);
  const record = await on.settled(user, id);
  const childId = record.children[0];
  if (childId === undefined) return { status: record.status, answer: undefined };
  const child = (await (await on.request(user, 'GET', `/api/events/${encodeURIComponent(childId)}`)).json()) as { event: Child };
  return { status: record.status, answer: child.event };
}

const hello = (model = 'auto', content = 'hello') => ({ model, messages: [{ role: 'user', content }] });

describe('models over HTTP', () => {
  it('answers model.request with model.response, and counts tokens and cost per model in GET /api/usage', async () => {
    openai.script('gpt-5-nano', { text: 'hello back', usage: { input: 2000, output: 500 } });
    const { status, answer } = await request(system, 'mia', hello());
    assert.equal(status, 'processed');
    assert.equal(answer?.type, 'model.response');
    assert.equal(answer?.data['model'], 'gpt-5-nano');
    assert.deepEqual(answer?.data['message'], { content: 'hello back', toolCalls: [] });
    const cost = (2000 * 0.05 + 500 * 0.4) / 1e6;
    assert.deepEqual(answer?.data['usage'], { inputTokens: 2000, outputTokens: 500, costUsd: cost });
    assert.match((answer?.data['selection'] as { reason: string }).reason, /cheapest/);

    const usage = (await (await system.request('mia', 'GET', '/api/usage')).json()) as {
      usage: { tokens_today: number; cost_today: number };
      models: { today: Array<{ model: string; calls: number; inputTokens: number; outputTokens: number; costUsd: number }> };
    };
    assert.equal(usage.usage.tokens_today, 2500);
    assert.ok(Math.abs(usage.usage.cost_today - cost) < 1e-9);
    assert.deepEqual(usage.models.today, [{ model: 'gpt-5-nano', calls: 1, inputTokens: 2000, outputTokens: 500, cachedInputTokens: 0, costUsd: cost }]);
  });

  it('lists the registry in GET /api/models with availability and prices, never a key', async () => {
    const response = await system.request('mia', 'GET', '/api/models');
    const text = await response.text();
    assert.equal(response.status, 200);
    assert.ok(!text.includes('sk-e2e') && !text.includes('sk-ant-e2e'), 'no key in the listing');
    const { models } = JSON.parse(text) as { models: Array<{ id: string; available: boolean; unavailableReason?: string; price: { inputPerMTok: number } }> };
    assert.equal(models.find((m) => m.id === 'claude-haiku-4-5')?.available, true);
    assert.deepEqual(models.find((m) => m.id === 'gpt-5')?.unavailableReason, 'disabled (enabled: false)');
    assert.equal(models.find((m) => m.id === 'gpt-4.1')?.price.inputPerMTok, 2);
  });

  it('a restrict policy changes which model is chosen', async () => {
    const policies = { policies: [{ id: 'claude-only', name: 'Claude only', condition: "event.type == 'model.request'", action: 'restrict', config: { restrictions: { models: { allow: ['claude-haiku-4-5'] } } } }] };
    assert.equal((await system.request('raj', 'PUT', '/api/policies?scope=user', { body: policies })).status, 200);
    const { answer } = await request(system, 'raj', hello('gpt-4.1'));
    assert.equal(answer?.data['model'], 'claude-haiku-4-5');
    assert.equal(anthropic.requests.length, 1);
    assert.equal(openai.requests.length, 0);
    const skipped = (answer?.data['selection'] as { skipped: Array<{ model: string; reason: string }> }).skipped;
    assert.ok(skipped.some((skip) => skip.model === 'gpt-4.1' && /not among the models a policy allows/.test(skip.reason)));
  });

  it('waits out a short 429 and retries; the record of the answer shows the attempt', async () => {
    openai.script('gpt-5-nano', { status: 429, message: 'rate limited', retryAfterMs: 100 }, { text: 'second time lucky' });
    const { answer } = await request(system, 'mia', hello());
    assert.equal(answer?.data['model'], 'gpt-5-nano');
    assert.deepEqual((answer?.data['selection'] as { attempts: unknown[] }).attempts, [{ model: 'gpt-5-nano', error: 'rate limited', status: 429, retryAfterMs: 100 }]);
    assert.equal(openai.requestsFor('gpt-5-nano').length, 2);
  });

  it('answers model.error no_model when no model has the capability', async () => {
    const { status, answer } = await request(system, 'mia', { ...hello(), requires: { capabilities: ['embeddings'] } });
    assert.equal(status, 'processed');
    assert.equal(answer?.type, 'model.error');
    assert.equal(answer?.data['code'], 'no_model');
    assert.match(answer?.data['message'] as string, /embeddings/);
  });

  it('sends personal data to the provider redacted (the default pii-protection policy)', async () => {
    const { answer } = await request(system, 'mia', hello('auto', 'Write to alice.smith@example.com about the invoice'));
    assert.equal(answer?.type, 'model.response');
    const sent = JSON.stringify(openai.requests[0]?.body['messages']);
    assert.ok(!sent.includes('alice.smith@example.com'), sent);
    assert.match(sent, /\[REDACTED:email\]/);
  });
});

describe('a budget policy', () => {
  let budgeted: TestSystem;
  beforeAll(async () => {
    budgeted = await startTestSystem({
      env: providerEnv(),
      globalPolicies: [
        { id: 'tiny-budget', name: 'Tiny budget', condition: "usage.cost_month >= 0.01 && model != ''", action: 'deny', config: { reason: 'budget spent' }, priority: 1200 },
      ],
    });
  });
  afterAll(() => budgeted.stop());

  it('denies model.request once the month\'s spending reaches it, answered with event.denied', async () => {
    // One million input tokens of gpt-5-nano: 0.05 USD, past the 0.01 budget.
    openai.script('gpt-5-nano', { text: 'expensive', usage: { input: 1_000_000, output: 0 } });
    const first = await request(budgeted, 'zed', hello());
    assert.equal(first.answer?.type, 'model.response');
    const second = await request(budgeted, 'zed', hello());
    assert.equal(second.status, 'denied');
    assert.equal(second.answer?.type, 'event.denied');
    assert.match(JSON.stringify(second.answer?.data), /budget spent/);
    assert.equal(openai.requests.length, 1, 'the denied request never reached a provider');
  });
});
