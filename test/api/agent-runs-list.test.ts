/** GET /api/agents/runs: a user's agent runs, newest first, one summary line each, in pages. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import { RUN_INDEX_KIND, RunStore, runIndexKey, type Run, type RunStep } from '../../src/drivers/agent-runtime/index.js';
import { apiFixture, assertProblem, send, type ApiFixture } from './helpers.js';

interface Summary {
  id: string;
  agent: string;
  status: string;
  trigger: { id: string; type: string };
  startedAt: string;
  updatedAt: string;
  steps: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  model?: string;
  error?: { code: string; message: string };
}
interface Page {
  runs: Summary[];
  cursor?: string;
}

function step(index: number, model?: string): RunStep {
  return { index, requestId: `req-${index}`, messageCount: 1, tools: [], status: 'done', toolCalls: [], startedAt: '2026-01-01T00:00:00.000Z', ...(model !== undefined && { model }) };
}

function makeRun(id: string, createdAt: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    driver: 'research_agent',
    agent: { id: 'research_agent', model: 'gpt-4o-mini', tools: [], approvalTools: [], maxSteps: 5, emits: { response: 'research.completed', error: 'research.failed' } },
    userId: 'alice',
    trigger: { id: `trigger-${id}`, type: 'research.requested' },
    status: 'running',
    messages: [],
    dropped: 0,
    steps: [step(0)],
    outbox: {},
    totals: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

function withRuns(): { fixture: ApiFixture; runs: RunStore; state: MemoryStateStore } {
  const state = new MemoryStateStore();
  const runs = new RunStore(state);
  return { fixture: apiFixture({ services: { agentRuns: runs } }), runs, state };
}

async function page(fixture: ApiFixture, query: string, token?: string): Promise<Page> {
  const response = await send(fixture, 'GET', `/api/agents/runs${query}`, { token: token ?? (await fixture.token('alice')) });
  assert.equal(response.status, 200, response.text);
  return response.json() as Page;
}

describe('GET /api/agents/runs', () => {
  it('lists runs newest first with their summary: agent, status, steps, tokens, cost, last model', async () => {
    const { fixture, runs } = withRuns();
    await runs.create(makeRun('run_old', '2026-01-01T00:00:01.000Z'));
    await runs.create(makeRun('run_new', '2026-01-01T00:00:03.000Z', {
      status: 'completed',
      steps: [step(0, 'gpt-4o'), step(1, 'claude-sonnet'), step(2)],
      totals: { inputTokens: 1200, outputTokens: 300, costUsd: 0.0125 },
      updatedAt: '2026-01-01T00:00:09.000Z',
    }));
    await runs.create(makeRun('run_mid', '2026-01-01T00:00:02.000Z', { status: 'failed', error: { code: 'model_failed', message: 'no model answered' } }));
    await runs.create({ ...makeRun('run_bob', '2026-01-01T00:00:04.000Z'), userId: 'bob' });
    const result = await page(fixture, '');
    assert.deepEqual(result.runs.map((run) => run.id), ['run_new', 'run_mid', 'run_old']);
    assert.equal(result.cursor, undefined);
    assert.deepEqual(result.runs[0], {
      id: 'run_new',
      agent: 'research_agent',
      status: 'completed',
      trigger: { id: 'trigger-run_new', type: 'research.requested' },
      startedAt: '2026-01-01T00:00:03.000Z',
      updatedAt: '2026-01-01T00:00:09.000Z',
      steps: 3,
      tokens: 1500,
      inputTokens: 1200,
      outputTokens: 300,
      costUsd: 0.0125,
      model: 'claude-sonnet',
    });
    assert.deepEqual(result.runs[1]!.error, { code: 'model_failed', message: 'no model answered' });
    assert.equal('model' in result.runs[2]!, false, 'no model before one answered');
  });

  it('pages with the cursor while a page is full', async () => {
    const { fixture, runs } = withRuns();
    for (let second = 1; second <= 5; second += 1) await runs.create(makeRun(`run_${second}`, `2026-01-01T00:00:0${second}.000Z`));
    const first = await page(fixture, '?limit=2');
    assert.deepEqual(first.runs.map((run) => run.id), ['run_5', 'run_4']);
    const second = await page(fixture, `?limit=2&cursor=${encodeURIComponent(first.cursor!)}`);
    assert.deepEqual(second.runs.map((run) => run.id), ['run_3', 'run_2']);
    const third = await page(fixture, `?limit=2&cursor=${encodeURIComponent(second.cursor!)}`);
    assert.deepEqual(third.runs.map((run) => run.id), ['run_1']);
    assert.equal(third.cursor, undefined);
  });

  it('lists a redelivered run once, and skips index items whose run is missing', async () => {
    const { fixture, runs, state } = withRuns();
    const original = makeRun('run_a', '2026-01-01T00:00:01.000Z');
    await runs.create(original);
    const again = await runs.create(makeRun('run_a', '2026-01-01T00:00:05.000Z'));
    assert.equal(again.created, false);
    assert.deepEqual((await state.list('alice', RUN_INDEX_KIND, { limit: 10 })).map((item) => item.key), [runIndexKey(original.createdAt, 'run_a')], 'the losing attempt removed its item');
    // A crash between the index item and the run: the item stays, the run does not exist.
    await state.put('alice', RUN_INDEX_KIND, runIndexKey('2026-01-01T00:00:09.000Z', 'run_lost'), { runId: 'run_lost' });
    await runs.create(makeRun('run_b', '2026-01-01T00:00:02.000Z'));
    const first = await page(fixture, '?limit=2');
    assert.deepEqual(first.runs.map((run) => run.id), ['run_b'], 'the missing run is skipped');
    assert.ok(first.cursor, 'the page read two items, so it goes on');
    assert.deepEqual((await page(fixture, `?limit=2&cursor=${encodeURIComponent(first.cursor)}`)).runs.map((run) => run.id), ['run_a']);
  });

  it("lets an admin list another user's runs; anyone else gets 403", async () => {
    const { fixture, runs } = withRuns();
    await runs.create(makeRun('run_x', '2026-01-01T00:00:01.000Z'));
    assert.deepEqual((await page(fixture, '?user=alice', await fixture.adminToken())).runs.map((run) => run.id), ['run_x']);
    assertProblem(await send(fixture, 'GET', '/api/agents/runs?user=alice', { token: await fixture.token('bob') }), 403);
    assert.deepEqual((await page(fixture, '', await fixture.token('bob'))).runs, []);
  });

  const BAD: Array<[string, string]> = [
    ['?limit=0', 'limit'],
    ['?limit=101', 'limit'],
    ['?cursor=abc', 'cursor'],
    ['?cursor=0000000000000001%3Anot-a-run', 'cursor'],
    ['?user=no%20one', 'user'],
    ['?status=running', 'status'],
  ];
  for (const [query, field] of BAD) {
    it(`answers 400 naming "${field}" for ${query}`, async () => {
      const { fixture } = withRuns();
      assertProblem(await send(fixture, 'GET', `/api/agents/runs${query}`, { token: await fixture.token() }), 400, { field });
    });
  }

  it('still shows one run by id (an admin another user\'s), and reserves the agent id "runs"', async () => {
    const { fixture, runs } = withRuns();
    await runs.create(makeRun('run_x', '2026-01-01T00:00:01.000Z'));
    const token = await fixture.token('alice');
    assert.equal((await send(fixture, 'GET', '/api/agents/runs/run_x', { token })).status, 200);
    assert.equal((await send(fixture, 'GET', '/api/agents/runs/run_x?user=alice', { token: await fixture.adminToken() })).status, 200);
    assertProblem(await send(fixture, 'GET', '/api/agents/runs/run_x?user=alice', { token: await fixture.token('bob') }), 403);
    assertProblem(await send(fixture, 'GET', '/api/agents/runs/run_x', { token: await fixture.token('bob') }), 404);
    const put = await send(fixture, 'PUT', '/api/agents/runs', { token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Runs', prompt: 'hi', capabilities: ['runs.start'] }) });
    assertProblem(put, 400);
    assert.match(put.text, /reserved/);
  });
});
