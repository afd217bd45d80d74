/**
 * The models driver against real wire formats (OpenAI chat completions, Anthropic messages,
 * Azure OpenAI, an OpenAI-compatible server): what it sends, what it answers, what it meters.
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

const weatherTool = { name: 'weather', description: 'Current weather in a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('model.request -> model.response', () => {
  it('asks the cheapest qualifying model for "auto" and answers with selection, usage and cost', async () => {
    servers.openai.script('gpt-5-nano', { text: 'hi there', usage: { input: 1000, output: 200 } });
    const { type, data, usage } = await ask(servers, hello);
    assert.equal(type, 'model.response');
    assert.equal(data['requestId'], 'req-1');
    assert.equal(data['model'], 'gpt-5-nano');
    assert.equal(data['provider'], 'openai');
    assert.equal(data['providerModel'], 'gpt-5-nano');
    assert.deepEqual(data['message'], { content: 'hi there', toolCalls: [] });
    assert.equal(data['finishReason'], 'stop');
    assert.deepEqual(data['usage'], { inputTokens: 1000, outputTokens: 200, costUsd: (1000 * 0.05 + 200 * 0.4) / 1e6 });
    assert.equal(typeof data['latencyMs'], 'number');
    const selection = data['selection'] as { reason: string; candidates: string[]; skipped: Array<{ model: string }>; attempts: unknown[] };
    assert.match(selection.reason, /gpt-5-nano is the cheapest model with chat/);
    assert.equal(selection.candidates[0], 'gpt-5-nano');
    assert.ok(selection.skipped.some((skip) => skip.model === 'text-embedding-3-small'));
    assert.deepEqual(selection.attempts, []);
    const [request] = servers.openai.requests;
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal(request?.headers['authorization'], 'Bearer sk-test-openai');
    assert.deepEqual(request?.body['messages'], [{ role: 'user', content: 'hello' }]);
    assert.deepEqual(usage[0]?.models, [{ model: 'gpt-5-nano', calls: 1, inputTokens: 1000, outputTokens: 200, cachedInputTokens: 0, costUsd: (1000 * 0.05 + 200 * 0.4) / 1e6 }]);
    assert.equal(usage[0]?.tokens, 1200);
  });

  it('describes tools without running them, returns the calls, and sends earlier calls and results back (OpenAI)', async () => {
    servers.openai.script('gpt-4.1', { toolCalls: [{ id: 'call_9', name: 'weather', arguments: { city: 'Oslo' } }] });
    const { data } = await ask(servers, {
      model: 'gpt-4.1',
      tools: [weatherTool],
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'weather in Paris and Oslo?' },
        { role: 'assistant', toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', toolCallId: 'call_1', name: 'weather', content: '{"temp":21}' },
      ],
    });
    assert.equal(data['model'], 'gpt-4.1');
    assert.deepEqual(data['message'], { content: '', toolCalls: [{ id: 'call_9', name: 'weather', arguments: { city: 'Oslo' } }] });
    assert.equal(data['finishReason'], 'tool-calls');
    const body = servers.openai.requests[0]!.body;
    assert.deepEqual((body['tools'] as Array<{ function: { name: string } }>).map((tool) => tool.function.name), ['weather']);
    const messages = body['messages'] as Array<Record<string, unknown>>;
    assert.deepEqual(messages.map((message) => message['role']), ['system', 'user', 'assistant', 'tool']);
    assert.deepEqual(messages[2]?.['tool_calls'], [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }]);
    assert.equal(messages[3]?.['tool_call_id'], 'call_1');
    assert.equal(messages[3]?.['content'], '{"temp":21}');
  });

  it('speaks Anthropic messages: key header, system prompt, tool use and tool results', async () => {
    servers.anthropic.script('claude-haiku-4-5', { toolCalls: [{ id: 'toolu_2', name: 'weather', arguments: { city: 'Rome' } }], text: 'checking', usage: { input: 300, output: 40, cached: 200 } });
    const { data } = await ask(servers, {
      model: 'claude-haiku-4-5',
      tools: [weatherTool],
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'Rome?' },
        { role: 'assistant', content: 'one moment', toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: { city: 'Rome' } }] },
        { role: 'tool', toolCallId: 'toolu_1', name: 'weather', content: 'service down', isError: true },
      ],
    });
    assert.equal(data['provider'], 'anthropic');
    assert.deepEqual(data['message'], { content: 'checking', toolCalls: [{ id: 'toolu_2', name: 'weather', arguments: { city: 'Rome' } }] });
    // 100 uncached at $1, 200 cached at $0.10, 40 out at $5 per million.
    assert.deepEqual(data['usage'], { inputTokens: 300, outputTokens: 40, cachedInputTokens: 200, costUsd: (100 * 1 + 200 * 0.1 + 40 * 5) / 1e6 });
    const request = servers.anthropic.requests[0]!;
    assert.equal(request.path, '/v1/messages');
    assert.equal(request.headers['x-api-key'], 'sk-ant-test');
    assert.equal(request.body['max_tokens'], 64_000);
    assert.deepEqual(request.body['system'], [{ type: 'text', text: 'be brief' }]);
    const messages = request.body['messages'] as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    const result = messages.at(-1)!.content[0]!;
    assert.equal(result['type'], 'tool_result');
    assert.equal(result['tool_use_id'], 'toolu_1');
    assert.equal(result['is_error'], true);
  });

  it('reaches an Azure OpenAI deployment with its key, and an OpenAI-compatible server with its named key', async () => {
    const azure = await ask(servers, { ...hello, model: 'azure-gpt-4o-mini' });
    assert.equal(azure.data['provider'], 'azure-openai');
    assert.equal(azure.data['providerModel'], 'mini-deployment');
    const request = servers.azure.requests[0]!;
    assert.equal(request.path, '/openai/v1/chat/completions');
    assert.equal(request.model, 'mini-deployment');
    assert.equal(request.headers['api-key'], 'azure-test-key');

    const local = { id: 'local-llama', provider: 'openai-compatible' as const, model: 'llama3.1:8b', baseUrl: servers.openai.url, apiKeySetting: 'LOCAL_API_KEY', capabilities: ['chat' as const], contextWindow: 8192, maxOutputTokens: 2048, price: { inputPerMTok: 0, outputPerMTok: 0 } };
    const answered = await ask(servers, { ...hello, model: 'local-llama' }, { overrides: [local] });
    assert.equal(answered.data['model'], 'local-llama');
    assert.equal(servers.openai.requestsFor('llama3.1:8b')[0]?.headers['authorization'], 'Bearer local-key');
  });

  it('signs in to Azure OpenAI with an Entra ID token when there is no key (the Azure host\'s managed identity)', async () => {
    const settings = providerSettings(servers, { azureOpenAi: { endpoint: servers.azure.url, deployments: { 'gpt-4o-mini': 'mini-deployment' }, tokenProvider: async () => 'entra-token' } });
    const { data } = await ask(servers, { ...hello, model: 'azure-gpt-4o-mini' }, { settings });
    assert.equal(data['model'], 'azure-gpt-4o-mini');
    const headers = servers.azure.requests[0]!.headers;
    assert.equal(headers['authorization'], 'Bearer entra-token');
    assert.equal(headers['api-key'], undefined);
  });

  it('asks for structured output and answers with the parsed object (OpenAI response_format, Anthropic output_config)', async () => {
    const outputSchema = { type: 'object', properties: { sentiment: { type: 'string', enum: ['positive', 'negative'] } }, required: ['sentiment'], additionalProperties: false };
    servers.openai.script('gpt-4.1-mini', { json: { sentiment: 'positive' } });
    const openai = await ask(servers, { model: 'gpt-4.1-mini', outputSchema, messages: [{ role: 'user', content: 'I love it' }] });
    assert.deepEqual(openai.data['output'], { sentiment: 'positive' });
    const format = servers.openai.requests[0]!.body['response_format'] as { type: string; json_schema: { schema: unknown } };
    assert.equal(format.type, 'json_schema');
    assert.deepEqual(format.json_schema.schema, outputSchema);

    servers.anthropic.script('claude-sonnet-4-5', { json: { sentiment: 'negative' } });
    const anthropic = await ask(servers, { model: 'claude-sonnet-4-5', outputSchema, messages: [{ role: 'user', content: 'meh' }] });
    assert.deepEqual(anthropic.data['output'], { sentiment: 'negative' });
    assert.ok(servers.anthropic.requests[0]!.body['output_config'], 'native structured output for a model the SDK knows');
  });

  it('gets structured output from an Anthropic model without native structured output (Claude Sonnet 4), through a forced json tool', async () => {
    const custom = { id: 'claude-custom', provider: 'anthropic' as const, model: 'claude-sonnet-4-0', capabilities: ['chat' as const, 'json' as const], contextWindow: 200_000, maxOutputTokens: 8192, price: { inputPerMTok: 1, outputPerMTok: 1 } };
    servers.anthropic.script('claude-sonnet-4-0', { json: { answer: 42 } });
    const { data } = await ask(servers, { model: 'claude-custom', outputSchema: { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] }, messages: [{ role: 'user', content: '?' }] }, { overrides: [custom] });
    assert.deepEqual(data['output'], { answer: 42 });
    const tools = servers.anthropic.requests[0]!.body['tools'] as Array<{ name: string }>;
    assert.deepEqual(tools.map((tool) => tool.name), ['json']);
  });

  it('moves on when an answer does not match the output schema, and meters the tokens it cost', async () => {
    const outputSchema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
    servers.openai.script('gpt-5-nano', { json: { n: 'not a number' } });
    servers.openai.script('gpt-4.1-nano', { json: { n: 3 } });
    const { data, usage } = await ask(servers, { model: 'auto', outputSchema, messages: [{ role: 'user', content: 'count' }] });
    assert.equal(data['model'], 'gpt-4.1-nano');
    assert.deepEqual(data['output'], { n: 3 });
    const attempts = (data['selection'] as { attempts: Array<{ model: string; error: string }> }).attempts;
    assert.equal(attempts[0]?.model, 'gpt-5-nano');
    assert.match(attempts[0].error, /did not match schema/);
    assert.deepEqual(usage[0]?.models?.map((entry) => entry.model), ['gpt-5-nano', 'gpt-4.1-nano']);
  });
});

describe('model.error', () => {
  it('answers invalid_request naming the field', async () => {
    const { type, data } = await ask(servers, { model: 'auto', messages: [{ role: 'tool', content: 'x' }] });
    assert.equal(type, 'model.error');
    assert.equal(data['code'], 'invalid_request');
    assert.equal(data['field'], 'messages.0.toolCallId');
    assert.match(data['message'] as string, /messages\.0\.toolCallId/);
    const noModel = await ask(servers, { messages: [{ role: 'user', content: 'x' }] });
    assert.equal(noModel.data['field'], 'model');
    assert.equal(servers.openai.requests.length, 0);
  });

  it('answers no_model naming the missing capability or context size, and never calls a provider', async () => {
    const embeddings = await ask(servers, { ...hello, requires: { capabilities: ['embeddings'] } });
    assert.equal(embeddings.type, 'model.error');
    assert.equal(embeddings.data['code'], 'no_model');
    assert.deepEqual(embeddings.data['missing'], { capabilities: ['chat', 'embeddings'] });
    assert.match(embeddings.data['message'] as string, /No model configured for what this request needs: none offers chat, embeddings together/);
    const huge = await ask(servers, { ...hello, requires: { minContextTokens: 10_000_000 } });
    assert.deepEqual(huge.data['missing'], { minContextTokens: 10_000_000 });
    const vision = await ask(servers, { ...hello, requires: { capabilities: ['vision'] } }, { defaults: [{ id: 'text-only', provider: 'openai', model: 't', capabilities: ['chat'], contextWindow: 1000, maxOutputTokens: 100, price: { inputPerMTok: 1, outputPerMTok: 1 } }], settings: providerSettings(servers, { azureOpenAi: {} }) });
    assert.deepEqual(vision.data['missing'], { capabilities: ['vision'] });
    assert.equal(servers.openai.requests.length + servers.anthropic.requests.length, 0);
  });
});
