/** Agents as data: the definition format, its errors (each naming the field), the built-ins, and how a trigger event is read. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { contextTools } from '../../src/drivers/context/index.js';
import { isKernelError, type KernelError } from '../../src/kernel/index.js';
import { agentEventTypes, BUILT_IN_AGENT_DOCUMENTS, conversationIdOf, parseAgentDefinition, parseAgentDocument, renderAgentInput, requiresApproval } from '../../src/registries/agents/index.js';
import { createToolRegistry, emitEventTool } from '../../src/registries/tools/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';

const tools = createToolRegistry([...contextTools(), emitEventTool()]);
const minimal = { id: 'helper', name: 'Helper', system_prompt: 'Help.', capabilities: ['help.request'] };

/** The pointers of every issue a definition is refused for. */
function pointers(value: unknown): string[] {
  try {
    parseAgentDefinition(value, { tools });
  } catch (error) {
    assert.ok(isKernelError(error, 'invalid_input'), String(error));
    return (error.details?.['errors'] as Array<{ pointer: string }>).map((issue) => issue.pointer);
  }
  assert.fail('the definition was accepted');
}

describe('agent definitions', () => {
  it('fill in the defaults', () => {
    assert.deepEqual(parseAgentDefinition(minimal, { tools }), { ...minimal, type: 'agent', version: '1.0.0', tools: [], max_steps: 8, enabled: true });
  });

  it('name every missing, unknown and malformed field', () => {
    assert.deepEqual(pointers({ id: 'Bad Id', name: '', capabilities: [], system_prompt: ' ', extra: 1, max_steps: 51, temperature: 3 }).sort(), [
      '/capabilities', '/extra', '/id', '/max_steps', '/name', '/system_prompt', '/temperature',
    ]);
    assert.deepEqual(pointers({ name: 'x' }).sort(), ['/capabilities', '/id', '/system_prompt']);
    try {
      parseAgentDefinition({ ...minimal, name: undefined }, { tools });
    } catch (error) {
      assert.match((error as Error).message, /^agent "helper" is invalid: \/name is required$/);
    }
  });

  it('refuse tools that do not exist, but accept MCP patterns for servers not connected yet', () => {
    assert.deepEqual(pointers({ ...minimal, tools: ['context_read', 'web_search', 'mcp:brave/*', 'emit_event(model.request)', 'x y'] }), ['/tools/1', '/tools/3', '/tools/4']);
    assert.deepEqual(pointers({ ...minimal, approval: { tools: ['emit_event(a.b)', 'context_write'] } }), ['/approval/tools/0']);
  });

  it('refuse capabilities that would run on everything or on what the system reserves', () => {
    const emits = { response: 'helper.done', error: 'helper.failed' };
    assert.deepEqual(pointers({ ...minimal, emits, capabilities: ['model.response', 'event.denied', 'agent.*', 'fine.one'] }), ['/capabilities/0', '/capabilities/1', '/capabilities/2']);
    assert.ok(pointers({ ...minimal, emits, capabilities: ['*'] }).includes('/capabilities/0'));
  });

  it('refuse what the agent emits when it would start the agent again', () => {
    assert.deepEqual(pointers({ ...minimal, capabilities: ['help.*'] }), ['/emits/response', '/emits/error']);
    assert.deepEqual(pointers({ ...minimal, capabilities: ['help.*'], emits: { response: 'help.done', error: 'helper.failed' } }), ['/emits/response']);
    assert.deepEqual(pointers({ ...minimal, capabilities: ['help.request', 'help.request.response'] }), ['/emits/response']);
    assert.deepEqual(pointers({ ...minimal, emits: { response: 'model.response' } }), ['/emits/response']);
    assert.equal(parseAgentDefinition({ ...minimal, capabilities: ['help.*'], emits: { response: 'helper.done', error: 'helper.failed' } }, { tools }).capabilities[0], 'help.*');
  });

  it('check output_schema, conversation paths and input templates', () => {
    assert.deepEqual(pointers({ ...minimal, output_schema: { type: 'string' } }), ['/output_schema']);
    assert.deepEqual(pointers({ ...minimal, output_schema: { type: 'object', properties: { a: { type: 'nonsense' } } } }), ['/output_schema']);
    assert.deepEqual(pointers({ ...minimal, conversation: 'data..x' }), ['/conversation']);
    assert.deepEqual(pointers({ ...minimal, input: 'Hi {{userid}} {{data.text}}' }), ['/input']);
    assert.equal(parseAgentDefinition({ ...minimal, conversation: 'data.thread.id', input: '{{ data.text }} ({{type}})' }, { tools }).conversation, 'data.thread.id');
  });

  it('read the seed form wrapped in driver:, naming fields below /driver', () => {
    const yaml = 'driver:\n  id: email_helper\n  type: agent\n  name: Mail\n  tools: [context_write, email_send]\n  system_prompt: Sort mail.\n  capabilities: [email.process]\n';
    try {
      parseAgentDocument(yaml, 'yaml', { tools });
      assert.fail('email_send is not a tool');
    } catch (error) {
      assert.deepEqual((error as KernelError).details?.['errors'], [{ pointer: '/driver/tools/1', reason: '"email_send" matches no native tool (native tools: context_read, context_write, context_query, context_search, emit_event); name MCP tools as "mcp:<server>/<tool>"' }]);
    }
    assert.throws(() => parseAgentDocument('id: [', 'yaml'), /the agent definition is not valid YAML/);
    assert.throws(() => parseAgentDocument('{', 'json'), /is not valid JSON/);
  });

  it('check the shape only when no registry is given (a stored definition read back)', () => {
    assert.equal(parseAgentDefinition({ ...minimal, tools: ['renamed_tool'] }).tools[0], 'renamed_tool');
  });
});

describe('the built-in agents', () => {
  const builtIns = BUILT_IN_AGENT_DOCUMENTS.map((text) => parseAgentDocument(text, 'yaml', { tools }));

  it('are the seed three, each parsing with tools that exist', () => {
    assert.deepEqual(builtIns.map((agent) => agent.id), ['chat', 'research_agent', 'email_assistant']);
    for (const agent of builtIns) {
      assert.deepEqual(tools.checkScope(agent.tools), [], agent.id);
      assert.ok(agent.system_prompt.length > 500, `${agent.id} has a real system prompt`);
      assert.ok(tools.forScope(agent.tools).length >= 2);
    }
  });

  it('start on their seed events and answer with their own types', () => {
    const [chat, research, email] = builtIns;
    assert.deepEqual([chat!.capabilities, agentEventTypes(chat!, 'llm.chat')], [['llm.chat'], { response: 'llm.chat.response', error: 'llm.chat.error' }]);
    assert.deepEqual([research!.capabilities, agentEventTypes(research!, 'research.request').response], [['research.request'], 'research.completed']);
    assert.deepEqual(email!.capabilities, ['email.received']);
    assert.deepEqual(tools.forScope(chat!.tools).map((tool) => tool.name), ['context_search', 'context_read']);
    assert.deepEqual(tools.forScope(research!.tools).map((tool) => tool.name), ['context_search', 'context_query', 'context_read', 'context_write']);
    assert.ok(research!.tools.includes('mcp:*/*search*'), 'a web search tool joins once an MCP server offers one');
  });

  it('let the email assistant emit meeting.schedule and nothing else', () => {
    const email = builtIns[2]!;
    const emit = tools.forScope(email.tools).find((tool) => tool.name === 'emit_event')!;
    assert.equal(tools.validate(emit, { type: 'meeting.schedule', data: { title: 'Sync' } }).ok, true);
    assert.equal(tools.validate(emit, { type: 'email.send', data: {} }).ok, false);
    assert.deepEqual((email.output_schema?.['required'] as string[]).slice(0, 2), ['category', 'priority']);
  });

  it('keep a chat conversation per conversationId, and take the message as the input', () => {
    const chat = builtIns[0]!;
    const event = makeEvent({ type: 'llm.chat', data: { message: 'What is on /Projects?', conversationId: 'c-42' } });
    assert.equal(conversationIdOf(chat, event), 'c-42');
    assert.equal(renderAgentInput(chat, event), 'What is on /Projects?');
  });
});

describe('reading a trigger event', () => {
  const event = makeEvent({ id: 'e7', type: 'research.request', subject: 'q3', data: { query: 'AI trends', n: 3, nested: { id: 9 }, blank: '' } });

  it('renders the event type and data when there is no template, or the template leaves only blanks', () => {
    const fallback = renderAgentInput({}, event);
    assert.match(fallback, /^Event `research\.request` \(subject: q3\) started this run\. Its data \(JSON\):\n\n\{\n {2}"query": "AI trends"/);
    assert.equal(renderAgentInput({ input: '{{data.blank}} {{data.missing}}' }, event), fallback);
  });

  it('fills a template with text as is and other values as JSON', () => {
    assert.equal(renderAgentInput({ input: 'Q: {{data.query}} n={{ data.n }} {{data.nested}} [{{data.none}}] {{type}}/{{id}}' }, event), 'Q: AI trends n=3 {"id":9} [] research.request/e7');
  });

  it('takes a conversation id from text or a number, never from objects or absurdly long values', () => {
    assert.equal(conversationIdOf({}, event), undefined, 'no conversation: the run is its own');
    assert.equal(conversationIdOf({ conversation: 'data.nested.id' }, event), '9');
    assert.equal(conversationIdOf({ conversation: 'subject' }, event), 'q3');
    assert.equal(conversationIdOf({ conversation: 'data.nested' }, event), undefined);
    assert.equal(conversationIdOf({ conversation: 'data.long' }, makeEvent({ data: { long: 'x'.repeat(300) } })), undefined);
  });

  it('needs approval for a tool when the tool says so or the agent names it', () => {
    const [write, emit] = [tools.get('context_write')!, tools.get('emit_event')!];
    assert.equal(requiresApproval({}, write), false);
    assert.equal(requiresApproval({ approval: { tools: ['context_*'] } }, write), true);
    assert.equal(requiresApproval({ approval: { tools: ['context_*'] } }, emit), false);
    assert.equal(requiresApproval({}, { ...emit, requiresApproval: true }), true);
  });
});

describe('the documented examples', () => {
  it('the README’s definition and the sample project file’s agents are valid', () => {
    const readme = readFileSync('README.md', 'utf8');
    const example = /### The definition\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'the README shows a definition');
    const parsed = parseAgentDocument(example, 'yaml', { tools });
    assert.deepEqual([parsed.id, tools.forScope(parsed.tools).map((tool) => tool.name)], ['meeting_notes', ['context_search', 'context_write', 'emit_event']]);
    const sample = parseYaml(readFileSync('vextir.config.sample.yaml', 'utf8')) as { agents: unknown[] };
    for (const [index, agent] of sample.agents.entries()) parseAgentDefinition(agent, { tools, pointer: `/agents/${index}` });
  });
});
