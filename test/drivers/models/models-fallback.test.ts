/**
 * The fallback chain against real HTTP failures: 5xx, 429 with retry-after (short: waited out;
 * long: next model), timeouts, refused credentials, unreachable servers, and what the kernel
 * is told when every candidate fails. Policies' model restrictions change the chain.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { ask, hello, providerSettings, startServers, type Servers } from './harness.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(() => servers.close());
beforeEach(() => {
  servers.openai.reset();
  servers.anthropic.reset();
  servers.azure.reset();
});

type Attempt = { model: string; error: string; status?: number; retryAfterMs?: number };
const attemptsOf = (data: Record<string, unknown>) => (data['selection'] as { attempts: Attempt[] }).attempts;
/** Two candidates: gpt-4.1-nano (cheaper) then gpt-4o-mini. */
const twoModels = { restrictions: { models: { allow: ['gpt-4.1-nano', 'gpt-4o-mini'] } } };

describe('fallback', () => {
  it('tries the next candidate after a 5xx, and says so in the selection', async () => {
    servers.openai.script('gpt-4.1-nano', { status: 500, message: 'upstream broke' });
    const { data } = await ask(servers, hello, twoModels);
    assert.equal(data['model'], 'gpt-4o-mini');
    assert.deepEqual(attemptsOf(data), [{ model: 'gpt-4.1-nano', error: 'upstream broke', status: 500 }]);
    assert.deepEqual(servers.openai.requests.map((request) => request.model), ['gpt-4.1-nano', 'gpt-4o-mini']);
  });

  it('waits out a short retry-after and asks the same model again', async () => {
    servers.openai.script('gpt-4.1-nano', { status: 429, message: 'slow down', retryAfterMs: 250 }, { text: 'after the wait' });
    const started = performance.now();
    const { data } = await ask(servers, hello, twoModels);
    assert.ok(performance.now() - started >= 240, 'waited for the retry-after');
    assert.equal(data['model'], 'gpt-4.1-nano');
    assert.equal((data['message'] as { content: string }).content, 'after the wait');
    assert.deepEqual(attemptsOf(data), [{ model: 'gpt-4.1-nano', error: 'slow down', status: 429, retryAfterMs: 250 }]);
  });

  it('moves on at once when the retry-after is long (or a second 429 comes)', async () => {
    servers.openai.script('gpt-4.1-nano', { status: 429, retryAfterSeconds: 30 });
    const started = performance.now();
    const long = await ask(servers, hello, twoModels);
    assert.ok(performance.now() - started < 5000);
    assert.equal(long.data['model'], 'gpt-4o-mini');
    assert.equal(attemptsOf(long.data)[0]?.retryAfterMs, 30_000);

    servers.openai.reset();
    servers.openai.script('gpt-4.1-nano', { status: 429, retryAfterMs: 10 }, { status: 429, retryAfterMs: 10 });
    const twice = await ask(servers, hello, twoModels);
    assert.equal(twice.data['model'], 'gpt-4o-mini');
    assert.equal(attemptsOf(twice.data).length, 2);
  });

  it('gives a slow provider the call timeout, then tries the next one', async () => {
    servers.openai.script('gpt-4.1-nano', { delayMs: 5000, then: { text: 'too late' } });
    const { data } = await ask(servers, hello, { ...twoModels, driver: { callTimeoutMs: 300 } });
    assert.equal(data['model'], 'gpt-4o-mini');
    assert.deepEqual(attemptsOf(data), [{ model: 'gpt-4.1-nano', error: 'no answer within 300 ms' }]);
  });

  it('falls back across providers when one is unreachable', async () => {
    const settings = providerSettings(servers, { openai: { apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v1' } });
    const { data } = await ask(servers, hello, { settings, restrictions: { models: { allow: ['gpt-4.1-nano', 'claude-haiku-4-5'] } } });
    assert.equal(data['model'], 'claude-haiku-4-5');
    assert.equal(attemptsOf(data)[0]?.model, 'gpt-4.1-nano');
    assert.equal(attemptsOf(data)[0]?.status, undefined);
  });
});

describe('when no candidate answers', () => {
  it('fails retryably with the provider\'s retry-after when every failure is worth retrying', async () => {
    servers.openai.script('gpt-4.1-nano', { status: 503, retryAfterSeconds: 7 });
    servers.openai.script('gpt-4o-mini', { status: 500 });
    const { outcome } = await ask(servers, hello, twoModels);
    assert.equal(outcome.kind, 'retry');
    if (outcome.kind !== 'retry') return;
    assert.equal(outcome.error.code, 'unavailable');
    assert.match(outcome.error.message, /gpt-4.1-nano: 503.*gpt-4o-mini: 500/);
    assert.ok(outcome.retryAfterMs >= 7000, `redelivered after the provider's retry-after, not ${outcome.retryAfterMs}`);
  });

  it('answers provider_error at once for refused credentials, naming the setting, without trying others', async () => {
    servers.openai.script('gpt-4.1-nano', { status: 401, message: 'Incorrect API key provided' });
    const { type, data } = await ask(servers, hello, twoModels);
    assert.equal(type, 'model.error');
    assert.equal(data['code'], 'provider_error');
    assert.match(data['message'] as string, /gpt-4.1-nano refused the request with 401: Incorrect API key provided.*check OPENAI_API_KEY/);
    assert.equal((data['attempts'] as Attempt[]).length, 1);
    assert.equal(servers.openai.requests.length, 1);
  });

  it('answers provider_error for a bad request (400), and when failures are mixed (404 then 503)', async () => {
    servers.openai.script('gpt-4.1-nano', { status: 400, message: 'messages: too long' });
    const bad = await ask(servers, hello, twoModels);
    assert.equal(bad.data['code'], 'provider_error');
    assert.match(bad.data['message'] as string, /400: messages: too long/);

    servers.openai.reset();
    servers.openai.script('gpt-4.1-nano', { status: 404, message: 'no such model' });
    servers.openai.script('gpt-4o-mini', { status: 503 });
    const mixed = await ask(servers, hello, twoModels);
    assert.equal(mixed.type, 'model.error');
    assert.equal(mixed.data['code'], 'provider_error');
    assert.deepEqual((mixed.data['attempts'] as Attempt[]).map((attempt) => attempt.status), [404, 503]);
  });

  it('keeps within its time budget: a chain that runs out of time fails retryably, with its attempts', async () => {
    servers.openai.script('*', { delayMs: 5000, then: { text: 'late' } });
    const { outcome, data } = await ask(servers, hello, { ...twoModels, driver: { timeoutMs: 600, callTimeoutMs: 10_000 } });
    assert.equal(outcome.kind, 'retry', JSON.stringify(data));
    if (outcome.kind === 'retry') assert.match(outcome.error.message, /gpt-4.1-nano: no answer within \d+ ms/);
  });

  it('stops at once when the system shuts down (the driver\'s signal), leaving the request for a redelivery', async () => {
    servers.openai.script('*', { delayMs: 5000, then: { text: 'late' } });
    const started = performance.now();
    const { outcome } = await ask(servers, hello, { ...twoModels, stopAfterMs: 150 });
    assert.ok(performance.now() - started < 2000);
    assert.equal(outcome.kind, 'retry');
    if (outcome.kind === 'retry') assert.equal(outcome.error.code, 'shutting_down');
    assert.equal(servers.openai.requests.length, 1, 'no further candidate after the abort');
  });
});

describe('policies choose among the models', () => {
  it('a cost limit keeps expensive models out, even one asked for by name', async () => {
    const { data } = await ask(servers, { ...hello, model: 'gpt-4.1' }, { restrictions: { models: { maxCostPer1kTokens: 0.001 } } });
    assert.equal(data['model'], 'gpt-5-nano');
    const selection = data['selection'] as { reason: string; skipped: Array<{ model: string; reason: string }> };
    assert.match(selection.reason, /gpt-4.1 was asked for: costs more than the 0.001 USD per 1k tokens a policy allows/);
  });

  it('an allow list that excludes everything is no_model, naming the policy', async () => {
    const { data } = await ask(servers, hello, { restrictions: { models: { allow: ['not-a-model'] } } });
    assert.equal(data['code'], 'no_model');
    assert.match(data['message'] as string, /excluded by policy.*allow: not-a-model/);
  });
});
