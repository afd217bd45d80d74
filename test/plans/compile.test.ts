/** Submitting an instruction: every mistake is a 400 that names the step and the problem. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { compileInstruction } from '../../src/plans/index.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { isKernelError } from '../../src/kernel/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { nativeTools } from '../../src/wiring/index.js';

const tools = { knownTool: (name: string) => name === 'context_read' };

function problems(body: unknown): Array<{ pointer: string; step?: string; reason: string }> {
  try {
    compileInstruction(body, tools);
  } catch (error) {
    assert.ok(isKernelError(error, 'invalid_input'), String(error));
    return (error.details as { errors: Array<{ pointer: string; step?: string; reason: string }> }).errors;
  }
  assert.fail('the instruction was accepted');
}

const step = (id: string, extra: Record<string, unknown> = {}) => ({ id, action: 'emit_event', event: { type: 'demo.echo' }, ...extra });

describe('compiling an instruction', () => {
  it('accepts the seed’s daily standup and resolves its DAG', () => {
    const { definition } = compileInstruction(
      {
        type: 'instruction',
        id: 'daily_standup',
        trigger: { schedule: '0 9 * * MON-FRI', timezone: 'America/New_York' },
        inputs: [{ name: 'team_members', type: 'list', default: ['alice', 'bob', 'charlie'] }],
        plan: [
          step('fetch_emails'),
          step('fetch_calendar'),
          step('read_tasks'),
          { id: 'generate_summary', action: 'emit_event', depends_on: ['fetch_emails', 'fetch_calendar', 'read_tasks'], event: { type: 'research.request', data: { team: '{{inputs.team_members}}', mail: '{{steps.fetch_emails.output}}' } } },
          { id: 'notify_team', action: 'emit_event', depends_on: ['generate_summary'], event: { type: 'chat.message', data: { message: '{{generate_summary.output}}' } } },
        ],
      },
      tools,
    );
    assert.deepEqual(definition.roots, [0, 1, 2]);
    assert.deepEqual(definition.nodes[3]!.dependsOn, [0, 1, 2]);
    assert.deepEqual(definition.nodes[3]!.reads, [0]);
    assert.deepEqual(definition.nodes[4]!.event?.data, { message: '{{steps.generate_summary.output}}' }, 'the shorthand is written out');
  });

  it('names schema problems by step and pointer', () => {
    assert.deepEqual(problems({ id: 'x', plan: [{ id: 'a', action: 'teleport' }] }), [{ pointer: '/plan/0/action', step: 'a', reason: 'must be one of emit_event, call_tool, wait_for_event, sleep, sub_plan' }]);
    const [missing] = problems({ id: 'x', plan: [{ id: 'a', action: 'emit_event' }] });
    assert.deepEqual(missing, { pointer: '/plan/0/event', step: 'a', reason: 'is required' });
    assert.match(problems({ id: 'x', plan: [step('a', { retry: { attempts: 0 } })] })[0]!.pointer, /\/plan\/0\/retry\/attempts/);
    assert.match(problems({ id: 'x', plan: [] })[0]!.reason, /at least one step/);
  });

  it('refuses unknown dependencies, with a suggestion', () => {
    const [problem] = problems({ id: 'x', plan: [step('fetch_emails'), step('sum', { depends_on: ['fetch_emial'] })] });
    assert.equal(problem!.step, 'sum');
    assert.equal(problem!.pointer, '/plan/1/depends_on/0');
    assert.match(problem!.reason, /"fetch_emial", which is not a step of this plan \(did you mean "fetch_emails"\?\)/);
  });

  it('refuses cycles and names them', () => {
    const [problem] = problems({ id: 'x', plan: [step('a', { depends_on: ['c'] }), step('b', { depends_on: ['a'] }), step('c', { depends_on: ['b'] })] });
    assert.match(problem!.reason, /the steps (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c) form a cycle/);
  });

  it('refuses templates that read unknown steps or steps the reader does not depend on', () => {
    const unknown = problems({ id: 'x', plan: [step('a', { event: { type: 'demo.echo', data: { v: '{{steps.nope.output}}' } } })] });
    assert.match(unknown[0]!.reason, /reads steps.nope, which is not a step of this plan/);
    const unrelated = problems({ id: 'x', plan: [step('a'), step('b', { event: { type: 'demo.echo', data: { v: '{{a.output}}' } } })] });
    assert.equal(unrelated[0]!.step, 'b');
    assert.match(unrelated[0]!.reason, /reads steps.a, which it does not depend on \(add "a" to depends_on/);
    const variable = problems({ id: 'x', plan: [step('a', { event: { type: 'demo.echo', data: { v: '{{input.name}}' } } })] });
    assert.match(variable[0]!.reason, /the template \{\{input.name\}\} does not compile/);
  });

  it('refuses bad CEL in conditions, matches and triggers', () => {
    assert.match(problems({ id: 'x', plan: [step('a', { condition: 'inputs.x >' })] })[0]!.reason, /the expression "inputs.x >" does not compile/);
    assert.equal(problems({ id: 'x', plan: [{ id: 'w', action: 'wait_for_event', events: [{ type: 'a.b', match: 'event.data.x = 1' }] }] })[0]!.pointer, '/plan/0/events/0/match');
    assert.equal(problems({ id: 'x', trigger: { event: 'a.b', condition: 'steps.a' }, plan: [step('a')] })[0]!.pointer, '/trigger/condition');
  });

  it('refuses unknown tools, bad failure handlers, bad inputs and bad schedules', () => {
    assert.match(problems({ id: 'x', plan: [{ id: 't', action: 'call_tool', tool: 'rm_rf' }] })[0]!.reason, /no tool is named "rm_rf"/);
    assert.match(problems({ id: 'x', plan: [step('a', { on_failure: 'b' }), step('b', { depends_on: ['a'] })] })[0]!.reason, /cannot have depends_on/);
    assert.match(problems({ id: 'x', inputs: [{ name: 'n', type: 'integer', default: 'ten' }], plan: [step('a')] })[0]!.reason, /the default must be an integer/);
    assert.equal(problems({ id: 'x', trigger: { schedule: '61 * * * *' }, plan: [step('a')] })[0]!.pointer, '/trigger/schedule');
    assert.equal(problems({ id: 'x', trigger: { schedule: '0 9 * * *', timezone: 'Mars/Olympus' }, plan: [step('a')] })[0]!.pointer, '/trigger/timezone');
    assert.match(problems({ id: 'x', plan: [step('a'), step('a')] })[0]!.reason, /used by step 1 already/);
  });

  it('compiles 10,000 steps, a chain deep enough to break recursion', () => {
    const plan = Array.from({ length: 10_000 }, (_, index) => step(`s${index}`, index === 0 ? {} : { depends_on: [`s${index - 1}`], event: { type: 'demo.echo', data: { previous: `{{steps.s${index - 1}.output}}` } } }));
    const { definition } = compileInstruction({ id: 'long', plan }, tools);
    assert.equal(definition.nodes.length, 10_000);
    assert.deepEqual(definition.nodes[9999]!.dependsOn, [9998]);
  });

  it("accepts the README's example instruction as written", () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Instructions and plans'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(yaml, 'the README has an example instruction');
    const registry = createToolRegistry(nativeTools());
    const { definition } = compileInstruction(parseYaml(yaml), { knownTool: (name) => registry.get(name) !== undefined });
    assert.deepEqual(definition.nodes.map((node) => [node.id, node.action, node.handler]), [['fetch', 'emit_event', false], ['file', 'call_tool', false], ['approval', 'wait_for_event', false], ['escalate', 'emit_event', true]]);
  });
});
