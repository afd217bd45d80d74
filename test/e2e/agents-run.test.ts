/**
 * The seed's chat and research agents and a user's own agent, end to end over HTTP on the
 * embedded host, with Anthropic served by the loopback model server (its wire format; answers
 * scripted): a chat conversation continues across events and searches the Context Hub; research
 * files its findings before it says it is done; an agent a user PUTs runs on their events only;
 * `vextir agents run show` tells a run step by step.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { startTestSystem, type RecordBody, type TestSystem } from '../helpers/local-system.js';
import { startAnthropicServer, type ModelServer } from '../helpers/model-servers/index.js';
import { vextirEntry } from '../helpers/vextir-entry.js';

let anthropic: ModelServer;
let system: TestSystem;

beforeAll(async () => {
  anthropic = await startAnthropicServer();
  system = await startTestSystem({ env: { ANTHROPIC_API_KEY: 'sk-ant-e2e', ANTHROPIC_BASE_URL: anthropic.url } });
});
afterAll(async () => {
  await system.stop();
  await anthropic.close();
});
beforeEach(() => anthropic.reset());

/** The newest event of `type` in the user's history, once there is one. */
async function awaitType(user: string, type: string, after = ''): Promise<RecordBody> {
  for (let i = 0; i < 400; i += 1) {
    const { events } = (await (await system.request(user, 'GET', `/api/events?type=${encodeURIComponent(type)}&limit=5`)).json()) as { events: RecordBody[] };
    const found = events.find((event) => event.id !== after);
    if (found) return system.settled(user, found.id);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${type} event for ${user}`);
}

type Message = { role: string; content: unknown };

describe('the chat agent', () => {
  it('searches the Context Hub, answers, and continues the conversation on the next message', async () => {
    assert.equal((await system.request('ann', 'PUT', '/api/context/Projects/Alpha/status', { body: { phase: 'development', note: 'the launch moved to March' } })).status, 201);
    anthropic.script('*', { toolCalls: [{ name: 'context_search', arguments: { text: 'launch' } }] }, { text: 'Alpha launches in March (from /Projects/Alpha/status).' });
    await system.emit('ann', 'llm.chat', { message: 'When does Alpha launch?', conversationId: 'c-1' });
    const first = await awaitType('ann', 'llm.chat.response');
    assert.equal((first.event.data as { text: string }).text, 'Alpha launches in March (from /Projects/Alpha/status).');
    // The search result went back to the model.
    const second = anthropic.requests[1]?.body.messages as Message[];
    assert.match(JSON.stringify(second), /Projects\/Alpha\/status/);

    anthropic.script('*', { text: 'You asked when Alpha launches.' });
    await system.emit('ann', 'llm.chat', { message: 'What did I just ask?', conversationId: 'c-1' });
    await awaitType('ann', 'llm.chat.response', first.id);
    const followUp = anthropic.requests[2]?.body.messages as Message[];
    const texts = JSON.stringify(followUp);
    assert.match(texts, /When does Alpha launch\?/);
    assert.match(texts, /Alpha launches in March/);
    assert.match(texts, /What did I just ask\?/);
  });
});

describe('the research agent', () => {
  it('writes its findings under /Research before it emits research.completed', async () => {
    anthropic.script(
      '*',
      { toolCalls: [{ name: 'context_write', arguments: { path: '/Research/heat-pumps', content: { question: 'heat pumps', findings: ['COP 3-4 in mild climates'] } } }] },
      { json: { summary: 'Heat pumps reach a COP of 3-4 in mild climates.', documents: ['/Research/heat-pumps'], sources: [] } },
    );
    await system.emit('bo', 'research.request', { question: 'How efficient are heat pumps?' });
    const done = await awaitType('bo', 'research.completed');
    const written = (await system.request('bo', 'GET', '/api/context/Research/heat-pumps')).status;
    assert.equal(written, 200);
    const write = await awaitType('bo', 'context.updated');
    const at = async (record: RecordBody) => ((await (await system.request('bo', 'GET', `/api/events/${record.id}`)).json()) as { receivedAt: string }).receivedAt;
    assert.ok((await at(write)) <= (await at(done)), 'the document was written before research.completed');
    assert.deepEqual((done.event.data as { output: { documents: string[] } }).output.documents, ['/Research/heat-pumps']);
  });
});

describe("a user's own agent", () => {
  it('runs on its owner\'s events only, and its run can be read step by step from the CLI', async () => {
    const definition = { id: 'todo_sorter', name: 'Todo sorter', capabilities: ['todo.added'], tools: ['context_write'], input: 'New todo: {{data.text}}', system_prompt: 'File each todo under /Todos.' };
    assert.equal((await system.request('cat', 'PUT', '/api/agents/todo_sorter', { body: definition })).status, 201);
    anthropic.script('*', { toolCalls: [{ name: 'context_write', arguments: { path: '/Todos/milk', content: 'buy milk' } }] }, { text: 'Filed /Todos/milk.' });
    await system.emit('cat', 'todo.added', { text: 'buy milk' });
    const answer = await awaitType('cat', 'todo.added.response');
    const { runId, text } = answer.event.data as { runId: string; text: string };
    assert.equal(text, 'Filed /Todos/milk.');
    assert.equal((await system.request('cat', 'GET', '/api/context/Todos/milk')).status, 200);

    // Someone else's todo.added starts nothing.
    const other = await system.settled('dog', await system.emit('dog', 'todo.added', { text: 'walk' }));
    assert.deepEqual(other.drivers, []);
    assert.equal(anthropic.requests.length, 2);

    const shown = await new Promise<string>((resolve, reject) => {
      const { VEXTIR_TOKEN: _token, VEXTIR_URL: _url, ...inherited } = process.env;
      execFile(process.execPath, [...vextirEntry(), 'agents', 'run', 'show', runId, '--url', system.url], { env: { ...inherited, VEXTIR_DATA_DIR: system.dataDir, VEXTIR_USER: 'cat' } }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)));
    });
    assert.match(shown, new RegExp(`^${runId}  agent todo_sorter  completed`));
    assert.match(shown, /step 1: claude-haiku-4-5/);
    assert.match(shown, /context_write\(\{"path":"\/Todos\/milk"/);
    assert.match(shown, /answer: Filed \/Todos\/milk\./);
  });
});
