/**
 * The plan engine over a whole in-memory system: instructions compiled, plans run over the
 * queue with real drivers, answers correlated, templates rendered from earlier outputs.
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

describe('a plan', () => {
  it('runs a chain, each step seeing the outputs of the ones before through templates', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({
      id: 'chain',
      inputs: [{ name: 'who', type: 'string', default: 'world' }],
      plan: [
        { id: 'a', action: 'emit_event', event: { type: 'demo.echo', data: { text: 'hello {{inputs.who}}' } } },
        { id: 'b', action: 'emit_event', depends_on: ['a'], event: { type: 'demo.echo', data: { previous: '{{steps.a.output.got.text}}', whole: '{{a.output}}' } } },
      ],
    });
    const planId = await harness.run('chain', { who: 'plans' });
    const { plan, nodes } = await harness.settle(planId);
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes.map((node) => [node.id, node.status, node.attempts.length]), [['a', 'completed', 1], ['b', 'completed', 1]]);
    assert.deepEqual(driver.calls.map((call) => call.data), [{ text: 'hello plans' }, { previous: 'hello plans', whole: { got: { text: 'hello plans' } } }]);
    assert.deepEqual(plan['outputs'], { b: { got: { previous: 'hello plans', whole: { got: { text: 'hello plans' } } } } });
    const events = await harness.store.list(USER, { types: ['plan.*'], limit: 10 });
    assert.deepEqual(events.map((record) => record.type).sort(), ['plan.completed', 'plan.started']);
  });

  it('fans out and in: parallel steps, then one that depends on all of them', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({
      id: 'fan',
      plan: [
        ...['x', 'y', 'z'].map((id) => ({ id, action: 'emit_event', event: { type: 'demo.echo', data: { id } } })),
        { id: 'join', action: 'emit_event', depends_on: ['x', 'y', 'z'], event: { type: 'demo.echo', data: { all: ['{{steps.x.output.got.id}}', '{{steps.y.output.got.id}}', '{{steps.z.output.got.id}}'] } } },
      ],
    });
    const { plan } = await harness.settle(await harness.run('fan'));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(driver.calls.at(-1)?.data, { all: ['x', 'y', 'z'] });
    assert.equal(driver.calls.length, 4);
  });

  it('skips a step whose condition is false; its dependents still run and can tell', async () => {
    const driver = echo();
    harness = planHarness({ drivers: [driver] });
    await harness.put({
      id: 'cond',
      inputs: [{ name: 'send', type: 'boolean' }],
      plan: [
        { id: 'maybe', action: 'emit_event', condition: 'inputs.send', event: { type: 'demo.echo', data: {} } },
        { id: 'after', action: 'emit_event', depends_on: ['maybe'], event: { type: 'demo.echo', data: { skipped: "{{steps.maybe.status == 'skipped'}}" } } },
      ],
    });
    const { plan, nodes } = await harness.settle(await harness.run('cond', { send: false }));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes.map((node) => node.status), ['skipped', 'completed']);
    assert.deepEqual(driver.calls.map((call) => call.data), [{ skipped: true }]);
  });

  it('retries a failing step with backoff, then goes on', async () => {
    const flaky = answering('flaky', 'demo.flaky', (event) => (flakyCalls.push(event.id) < 3 ? { type: 'demo.flaky.error', data: { reason: 'not yet' } } : { type: 'demo.flaky.result', data: { ok: true } }));
    const flakyCalls: string[] = [];
    harness = planHarness({ drivers: [flaky] });
    await harness.put({ id: 'retry', plan: [{ id: 'try', action: 'emit_event', retry: { attempts: 3, backoff: '50ms' }, event: { type: 'demo.flaky' } }] });
    const { plan, nodes } = await harness.settle(await harness.run('retry'));
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes[0]!.attempts.map((attempt) => attempt.status), ['failed', 'failed', 'completed']);
    assert.equal(new Set(flakyCalls).size, 3, 'each attempt is its own request');
    const gap = new Date(nodes[0]!.attempts[1]!.startedAt).getTime() - new Date(nodes[0]!.attempts[0]!.finishedAt!).getTime();
    assert.ok(gap >= 45, `the second attempt waited for its backoff (${gap} ms)`);
  });

  it('fails the plan when a step fails; retry reruns the failed step and the plan completes', async () => {
    let healthy = false;
    const driver = answering('gate', 'demo.gate', () => (healthy ? { type: 'demo.gate.result', data: { open: true } } : new KernelError('invalid_input', 'closed')));
    harness = planHarness({ drivers: [driver, echo()] });
    await harness.put({
      id: 'gated',
      plan: [
        { id: 'gate', action: 'emit_event', event: { type: 'demo.gate' } },
        { id: 'next', action: 'emit_event', depends_on: ['gate'], event: { type: 'demo.echo', data: { open: '{{steps.gate.output.open}}' } } },
      ],
    });
    const planId = await harness.run('gated');
    const failed = await harness.settle(planId);
    assert.equal(failed.plan['status'], 'failed');
    assert.deepEqual(failed.nodes.map((node) => node.status), ['failed', 'pending']);
    assert.match(String(failed.nodes[0]!.error?.message), /gate failed: closed/);
    healthy = true;
    await harness.plans.retry(USER, planId);
    const { plan, nodes } = await harness.settle(planId);
    assert.equal(plan['status'], 'completed');
    assert.deepEqual(nodes.map((node) => [node.status, node.attempts.length]), [['completed', 2], ['completed', 1]]);
    const finished = await harness.store.list(USER, { types: ['plan.failed', 'plan.completed'], limit: 10 });
    assert.deepEqual(finished.map((record) => record.type).sort(), ['plan.completed', 'plan.failed'], 'each run of the plan announced its end');
  });

  it('fails a step no driver handles at once (the kernel answers the awaited event), and finishes one whose driver returns nothing', async () => {
    const silent = answering('silent', 'demo.silent', () => ({ type: 'ignored' }));
    silent.handle = async (event) => {
      silent.calls.push(event);
      return [];
    };
    harness = planHarness({ drivers: [silent] });
    await harness.put({ id: 'nobody', plan: [{ id: 'quiet', action: 'emit_event', event: { type: 'demo.silent' } }, { id: 'typo', action: 'emit_event', depends_on: ['quiet'], event: { type: 'demo.nobody.handles.this' } }] });
    const { plan, nodes } = await harness.settle(await harness.run('nobody'));
    assert.equal(plan['status'], 'failed');
    assert.deepEqual(nodes.map((node) => [node.status, node.output ?? null]), [['completed', null], ['failed', null]]);
    assert.deepEqual(nodes[1]!.error, { code: 'unhandled', message: 'no driver handles demo.nobody.handles.this' });
  });
});
