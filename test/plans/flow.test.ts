/**
 * Control flow and plan-level behaviour: failure branches, sub-plans, cancel, tool steps, event
 * triggers with conditions and debounce, per-instruction concurrency, large outputs by reference.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { KernelError } from '../../src/kernel/index.js';
import { answering, planHarness, USER, type PlanHarness } from './harness.js';

let harness: PlanHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const echo = () => answering('echo', 'demo.echo', (event) => ({ type: 'demo.echo.result', data: { got: event.data } }));
const broken = () => answering('broken', 'demo.broken', () => new KernelError('invalid_input', 'always broken'));

async function plansOf(harness: PlanHarness, instruction: string) {
  return (await harness.plans.list(USER, { instruction, limit: 100 })).plans;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`never: ${what}`);
}

describe('failure handling', () => {
  it('continue: the failed step is done for its dependents, which see its error', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver, broken()] });
    await harness.put({
      id: 'goes-on',
      plan: [
        { id: 'bad', action: 'emit_event', on_failure: 'continue', event: { type: 'demo.broken' } },
        { id: 'after', action: 'emit_event', depends_on: ['bad'], event: { type: 'demo.echo', data: { status: '{{steps.bad.status}}', why: '{{steps.bad.error.message}}' } } },
      ],
    });
    const { plan, nodes } = await harness.settle(await harness.run('goes-on'));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes.map((node) => node.status), ['failed', 'completed']);
    assert.deepEqual(driver.calls[0]?.data, { status: 'failed', why: 'broken failed: always broken' });
  });

  it('an on_failure step runs when its step fails; then the failed step counts as handled and the plan goes on', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver, broken()] });
    await harness.put({
      id: 'branch',
      plan: [
        { id: 'risky', action: 'emit_event', on_failure: 'cleanup', event: { type: 'demo.broken' } },
        { id: 'cleanup', action: 'emit_event', event: { type: 'demo.echo', data: { cleaning: '{{steps.risky.error.code}}' } } },
        { id: 'after', action: 'emit_event', depends_on: ['risky'], event: { type: 'demo.echo', data: { after: true } } },
        { id: 'unused', action: 'emit_event', event: { type: 'demo.echo', data: { unused: true } } },
      ],
    });
    const { plan, nodes } = await harness.settle(await harness.run('branch'));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(Object.fromEntries(nodes.map((node) => [node.id, node.status])), { risky: 'failed', cleanup: 'completed', after: 'completed', unused: 'completed' });
    assert.deepEqual(driver.calls.map((call) => call.data).filter((data) => !(data as { unused?: boolean }).unused), [{ cleaning: 'invalid_input' }, { after: true }]);
  });
});

describe('sub-plans', () => {
  it('a step runs another instruction as a plan of its own and takes its outputs', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({ id: 'child', inputs: [{ name: 'n', type: 'integer' }], outputs: { doubled: '{{steps.work.output.got.n * 2}}' }, plan: [{ id: 'work', action: 'emit_event', event: { type: 'demo.echo', data: { n: '{{inputs.n}}' } } }] });
    await harness.put({
      id: 'parent',
      plan: [
        { id: 'sub', action: 'sub_plan', instruction: 'child', inputs: { n: 21 } },
        { id: 'use', action: 'emit_event', depends_on: ['sub'], event: { type: 'demo.echo', data: { answer: '{{steps.sub.output.doubled}}' } } },
      ],
    });
    const { plan, nodes } = await harness.settle(await harness.run('parent'));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes[0]!.output, { doubled: 42 });
    assert.deepEqual(driver.calls.at(-1)?.data, { answer: 42 });
    const children = await plansOf(harness, 'child');
    assert.equal(children.length, 1);
    assert.deepEqual(children[0]!['parent'], { planId: plan['id'], node: '0' });
  });
});

describe('cancel', () => {
  it('stops a plan: its waiting steps are cancelled and later events change nothing', async () => {
    harness = planHarness();
    await harness.put({ id: 'waits', plan: [{ id: 'w', action: 'wait_for_event', events: [{ type: 'never.mind' }] }, { id: 'x', action: 'wait_for_event', depends_on: ['w'], events: [{ type: 'x' }] }] });
    const planId = await harness.run('waits');
    await harness.settle(planId, (plan) => (plan['progress'] as { active: number }).active === 1);
    const cancelled = await harness.plans.cancel(USER, planId);
    assert.equal(cancelled['status'], 'cancelled');
    await harness.emit({ type: 'never.mind' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { nodes } = await harness.settle(planId);
    assert.deepEqual(nodes.map((node) => node.status), ['cancelled', 'pending']);
    await assert.rejects(harness.plans.retry(USER, planId), /only a failed plan can be retried/);
  });
});

describe('tool steps', () => {
  it('call_tool turns a call into the tool’s event, validated like an agent’s call', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    harness.tools.register({
      name: 'shout',
      description: 'echoes loudly',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
      source: 'native',
      awaitsReply: true,
      toEvent: (args) => ({ type: 'demo.echo', data: { loud: String(args['text']).toUpperCase() } }),
      replyTypes: ['demo.echo.result'],
      isReply: () => true,
      fromReply: (reply) => ({ ok: true, value: reply.data }),
    });
    await harness.put({ id: 'tool', plan: [{ id: 'call', action: 'call_tool', tool: 'shout', arguments: { text: 'hi' } }] });
    const { plan, nodes } = await harness.settle(await harness.run('tool'));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes[0]!.output, { got: { loud: 'HI' } });
  });
});

describe('event triggers', () => {
  it('start a plan for each event whose CEL condition holds, with the event as trigger', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({
      id: 'client-mail',
      trigger: { event: 'email.received', condition: "event.data.from.endsWith('@client.example')" },
      plan: [{ id: 'note', action: 'emit_event', event: { type: 'demo.echo', data: { from: '{{trigger.data.from}}' } } }],
    });
    await harness.emit({ type: 'email.received', data: { from: 'boss@client.example' } });
    await harness.emit({ type: 'email.received', data: { from: 'spam@elsewhere.example' } });
    await harness.emit({ type: 'email.received', data: { subject: 'no sender at all' } });
    const plans = await eventually(() => plansOf(harness!, 'client-mail'), (list) => list.length === 1 && list[0]!['status'] === 'completed', 'one plan completed');
    assert.equal(plans.length, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(driver.calls.map((call) => call.data), [{ from: 'boss@client.example' }]);
  });

  it('debounce first: one plan for a burst, for the first of its events processed', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({ id: 'first', trigger: { event: 'file.changed', debounce: { window: '2s', keep: 'first' } }, plan: [{ id: 'n', action: 'emit_event', event: { type: 'demo.echo', data: { file: '{{trigger.data.n}}' } } }] });
    for (let n = 1; n <= 5; n += 1) await harness.emit({ type: 'file.changed', data: { n } });
    await eventually(() => plansOf(harness!, 'first'), (list) => list.some((plan) => plan['status'] === 'completed'), 'a plan');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal((await plansOf(harness, 'first')).length, 1);
    // The burst is processed concurrently: which of its events comes first is the processor's order.
    assert.equal(driver.calls.length, 1);
    assert.ok([1, 2, 3, 4, 5].includes((driver.calls[0]!.data as { file: number }).file));
  });

  it('debounce last: one plan for a burst, for its last event, once the window has passed', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({ id: 'last', trigger: { event: 'file.changed', debounce: { window: '300ms', keep: 'last' } }, plan: [{ id: 'n', action: 'emit_event', event: { type: 'demo.echo', data: { file: '{{trigger.data.n}}' } } }] });
    for (let n = 1; n <= 4; n += 1) {
      await harness.emit({ type: 'file.changed', data: { n } });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await eventually(() => plansOf(harness!, 'last'), (list) => list.some((plan) => plan['status'] === 'completed'), 'a plan');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await plansOf(harness, 'last')).length, 1);
    assert.deepEqual(driver.calls.map((call) => call.data), [{ file: 4 }]);
  });
});

describe('concurrency', () => {
  it('runs at most `concurrency` plans of an instruction at once; the rest queue and start in turn', async () => {
    harness = planHarness();
    await harness.put({ id: 'one-at-a-time', concurrency: 1, plan: [{ id: 'w', action: 'wait_for_event', events: [{ type: 'go', match: 'event.data.plan == plan.id' }] }] });
    const first = await harness.run('one-at-a-time');
    const second = await harness.run('one-at-a-time');
    await harness.settle(first, (plan) => plan['status'] === 'running');
    await harness.settle(second, (plan) => plan['status'] === 'queued');
    await harness.emit({ type: 'go', data: { plan: first } });
    await harness.settle(first);
    await harness.settle(second, (plan) => plan['status'] === 'running');
    await harness.emit({ type: 'go', data: { plan: second } });
    assert.equal((await harness.settle(second)).plan['status'], 'completed');
  });
});

describe('outputs', () => {
  it('stores a large output once, apart, and references it; later steps still read it', async () => {
    const big = 'x'.repeat(600_000);
    const producer = answering('producer', 'demo.big', () => ({ type: 'demo.big.result', data: { text: big } }));
    const driver = echo();
    harness = planHarness({ drivers: [producer, driver] });
    await harness.put({ id: 'big', plan: [{ id: 'make', action: 'emit_event', event: { type: 'demo.big' } }, { id: 'measure', action: 'emit_event', depends_on: ['make'], event: { type: 'demo.echo', data: { length: '{{size(steps.make.output.text)}}' } } }] });
    const { plan, nodes } = await harness.settle(await harness.run('big'));
    assert.equal(plan['status'], 'completed');
    assert.equal(nodes[0]!.output, undefined);
    assert.equal(nodes[0]!.outputRef?.chunks, 3);
    assert.deepEqual(driver.calls[0]?.data, { length: 600_000 });
  });
});
