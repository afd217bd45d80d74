/**
 * The DAG drawing of `vextir plan status`, as a pure function: layers, a small plan drawn in
 * full, colour only when asked, lines cut to the terminal, and large plans summarised per layer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { abbreviate } from '../../src/cli/abbreviate.js';
import { drawPlan, formatDuration } from '../../src/cli/plan-graph.js';
import { loadConfig } from '../../src/config.js';
import { layersOf, type NodeView, type PlanView } from '../../src/cli/plan-layers.js';

const T = '2026-01-01T10:00:00.000Z';
const NOW = new Date('2026-01-01T10:00:42.000Z');

function node(id: string, index: number, status: string, dependsOn: string[] = [], extra: Partial<NodeView> = {}): NodeView {
  const attempts = status === 'pending' || status === 'skipped' ? [] : [{ number: 1, status: status === 'failed' ? 'failed' : 'completed', startedAt: T }];
  return { id, index, action: 'emit_event', status, dependsOn, attempts, ...extra };
}

function plan(extra: Partial<PlanView> = {}): PlanView {
  return { id: 'pl_0123456789abcdef', status: 'running', instruction: { id: 'digest', version: 3, name: 'Morning digest' }, progress: { nodes: 5, done: 2, active: 1 }, createdAt: T, ...extra };
}

const ids = (layers: NodeView[][]) => layers.map((layer) => layer.map((n) => n.id));

describe('layers', () => {
  it('puts each step one layer below the deepest of its dependencies, whatever the order of the list', () => {
    const nodes = [node('d', 0, 'pending', ['b', 'c']), node('a', 1, 'completed'), node('b', 2, 'pending', ['a']), node('c', 3, 'pending', ['a']), node('e', 4, 'completed'), node('x', 5, 'pending', ['a', 'd'])];
    assert.deepEqual(ids(layersOf(nodes)), [['a', 'e'], ['b', 'c'], ['d'], ['x']]);
  });

  it('layers a 10,000-step chain without recursion, and ignores dependencies it was not given', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => node(`s${i}`, i, 'completed', i === 0 ? ['elsewhere'] : [`s${i - 1}`]));
    const layers = layersOf(chain.reverse());
    assert.equal(layers.length, 10_000);
    assert.deepEqual([layers[0]![0]!.id, layers[9999]![0]!.id], ['s0', 's9999']);
  });
});

describe('a small plan', () => {
  const nodes = [
    node('fetch_mail', 0, 'completed', [], { durationMs: 1234, output: { count: 12 } }),
    node('fetch_calendar', 1, 'completed', [], { durationMs: 85, output: { events: [] } }),
    node('weather', 2, 'running', [], { readyAt: T }),
    node('summarize', 3, 'failed', ['fetch_mail', 'fetch_calendar'], { durationMs: 30_000, error: { code: 'driver_failed', message: 'rate limited' } }),
    node('compose', 4, 'pending', ['summarize', 'weather']),
    node('greet', 5, 'skipped', ['fetch_mail'], { reason: 'its condition was false' }),
  ];

  it('draws a header and every step by layer: symbol, status, attempts, duration, dependencies, output or error', () => {
    const drawing = drawPlan(plan({ status: 'failing', error: 'step summarize failed' }), nodes, { color: false, now: NOW });
    assert.equal(
      drawing,
      [
        '! failing  plan pl_0123456789abcdef  digest v3 "Morning digest"  2/5 done, 1 active  started 2026-01-01 10:00:00Z, running for 42.0s',
        '  error: step summarize failed',
        'layer 1',
        '  ✓ fetch_mail      completed  1 attempt      1.2s  {"count":12}',
        '  ✓ fetch_calendar  completed  1 attempt      85ms  {"events":[]}',
        '  ▶ weather         running    1 attempt    42.0s…',
        'layer 2',
        '  ✗ summarize       failed     1 attempt     30.0s  ← fetch_mail, fetch_calendar  driver_failed: rate limited',
        '  ↷ greet           skipped                         ← fetch_mail  its condition was false',
        'layer 3',
        '  · compose         pending                         ← summarize, weather',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked (a terminal without NO_COLOR)', () => {
    const ESC = '\u001b';
    assert.ok(!drawPlan(plan(), nodes, { color: false, now: NOW }).includes(ESC));
    const coloured = drawPlan(plan(), nodes, { color: true, now: NOW });
    assert.ok(coloured.includes(`${ESC}[32m✓${ESC}[39m fetch_mail`), coloured);
    assert.ok(coloured.includes(`${ESC}[31m✗${ESC}[39m summarize`));
    assert.ok(coloured.includes(`${ESC}[31mdriver_failed: rate limited${ESC}[39m`));
  });

  it('cuts each step to the terminal width, collapsing a large output first', () => {
    const big = { requestId: 'pl_x.0.1', owner: 'pia', entry: { path: '/Notes/a', content: 'x'.repeat(500), metadata: { tags: ['a', 'b'] } } };
    const row = (width: number) => drawPlan(plan(), [node('read', 0, 'completed', [], { durationMs: 5, output: big })], { color: false, now: NOW, width }).split('\n')[2]!;
    assert.equal(row(100), '  ✓ read  completed  1 attempt       5ms  {"requestId":"pl_x.0.1","owner":"pia","entry":{…}}');
    assert.equal(row(80), '  ✓ read  completed  1 attempt       5ms  {"requestId":"pl_x.0.1","owner":"pia"…');
    assert.equal(row(80).length, 80);
  });

  it('says when a plan queued and how long a finished one took', () => {
    const queued = plan({ status: 'queued', progress: { nodes: 1, done: 0, active: 0 } });
    assert.equal(drawPlan(queued, [], { color: false, now: NOW }), `○ queued  plan ${queued.id}  digest v3 "Morning digest"  0/1 done  queued 2026-01-01 10:00:00Z\n`);
    const done = plan({ status: 'completed', progress: { nodes: 1, done: 1, active: 0 }, round: 2, startedAt: '2026-01-01T10:00:01.000Z', finishedAt: '2026-01-01T10:03:05.000Z' });
    assert.equal(drawPlan(done, [], { color: false, now: NOW }), `✓ completed  plan ${done.id}  digest v3 "Morning digest"  1/1 done  round 2  started 2026-01-01 10:00:01Z, took 3m04s\n`);
  });
});

describe('a large plan', () => {
  /** A root, a fan of 9,998 parallel steps (some failed, some running), and a join. */
  function fan(failed: number, running: number): NodeView[] {
    const nodes = [node('root', 0, 'completed', [], { durationMs: 3 })];
    for (let i = 1; i <= 9998; i += 1) {
      const status = i <= failed ? 'failed' : i <= failed + running ? 'running' : 'completed';
      nodes.push(node(`step_${i}`, i, status, ['root'], status === 'failed' ? { error: { code: 'step_failed', message: `boom ${i}` }, durationMs: 7 } : { durationMs: 7, output: i, readyAt: T }));
    }
    nodes.push(node('join', 9999, 'pending', nodes.slice(1).map((n) => n.id)));
    return nodes;
  }

  it('summarises each layer by status and lists only failed, then running, steps', () => {
    const drawing = drawPlan(plan({ progress: { nodes: 10_000, done: 9996, active: 2 } }), fan(2, 2), { color: false, now: NOW });
    const lines = drawing.trimEnd().split('\n');
    assert.deepEqual(lines.slice(1), [
      '10000 steps in 3 layers: counts per layer, failed and running steps listed',
      'layer 1  1 step: ✓ 1 completed',
      'layer 2  9998 steps: ✓ 9994 completed, ✗ 2 failed, ▶ 2 running',
      '  ✗ step_1     failed     1 attempt       7ms  ← root  step_failed: boom 1',
      '  ✗ step_2     failed     1 attempt       7ms  ← root  step_failed: boom 2',
      '  ▶ step_3     running    1 attempt       7ms  ← root  3',
      '  ▶ step_4     running    1 attempt       7ms  ← root  4',
      'layer 3  1 step: · 1 pending',
    ]);
  });

  it('lists at most listLimit steps, and says how many more there are', () => {
    const lines = drawPlan(plan(), fan(30, 40), { color: false, now: NOW, listLimit: 50 }).trimEnd().split('\n');
    assert.equal(lines.filter((line) => line.startsWith('  ✗ ')).length, 30);
    assert.equal(lines.filter((line) => line.startsWith('  ▶ ')).length, 20);
    assert.equal(lines.at(-1), '… 20 more failed or running steps not listed (--json shows every step)');
    assert.ok(lines.length < 60);
  });

  it('collapses runs of layers with nothing to list, keeping apart layers whose statuses differ', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => node(`c${i}`, i, i < 7000 ? 'completed' : i === 7000 ? 'running' : 'pending', i === 0 ? [] : [`c${i - 1}`], { durationMs: 1 }));
    assert.deepEqual(drawPlan(plan(), chain, { color: false, now: NOW }).trimEnd().split('\n').slice(1), [
      '10000 steps in 10000 layers: counts per layer, failed and running steps listed',
      'layers 1-7000  7000 steps: ✓ 7000 completed',
      'layer 7001  1 step: ▶ 1 running',
      '  ▶ c7000  running    1 attempt       1ms  ← c6999',
      'layers 7002-10000  2999 steps: · 2999 pending',
    ]);
  });

  it('stays a screenful when the statuses of successive layers alternate', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => node(`c${i}`, i, i % 2 === 0 ? 'completed' : 'skipped', i === 0 ? [] : [`c${i - 1}`]));
    const lines = drawPlan(plan(), chain, { color: false, now: NOW }).trimEnd().split('\n');
    assert.deepEqual(lines.slice(2), ['layers 1-10000  10000 steps: ✓ 5000 completed, ↷ 5000 skipped']);
  });
});

describe('helpers', () => {
  it('abbreviates a value level by level', () => {
    const value = { a: 1, b: { c: { d: [1, 2, 3] } }, s: 'y'.repeat(60) };
    assert.equal(abbreviate(value, 1000), JSON.stringify(value));
    assert.equal(abbreviate(value, 70), `{"a":1,"b":{"c":{…}},"s":"${'y'.repeat(39)}…"}`);
    assert.equal(abbreviate(value, 64), `{"a":1,"b":{…},"s":"${'y'.repeat(39)}…"}`);
    assert.equal(abbreviate(value, 40), `{"a":1,"b":{…},"s":"${'y'.repeat(19)}…`);
    assert.equal(abbreviate([[1, 2, 3]], 6), '[[…3]]');
  });

  it('colours a terminal only, and never with NO_COLOR set', () => {
    assert.equal(loadConfig({}, true).cli.color, true);
    assert.equal(loadConfig({}, false).cli.color, false);
    assert.equal(loadConfig({ NO_COLOR: '1' }, true).cli.color, false);
    assert.equal(loadConfig({ NO_COLOR: '' }, true).cli.color, true, 'an empty NO_COLOR is unset (no-color.org)');
  });

  it('formats durations', () => {
    assert.deepEqual([5, 1234, 59_949, 184_000, 7_380_000, 93_600_000].map(formatDuration), ['5ms', '1.2s', '59.9s', '3m04s', '2h03m', '1d02h']);
  });
});
