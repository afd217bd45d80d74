/** GET /api/events/{id}/tree: ancestors root first, descendants breadth first, bounded. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { EventRecord } from '../../src/kernel/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import { makeEvent } from '../helpers/kernel-fixture.js';
import { makeRecord } from '../contracts/fixtures.js';
import { apiFixture, assertProblem, cloudEvent, processQueued, send, STRUCTURED, type ApiFixture } from './helpers.js';

interface Tree {
  id: string;
  ancestors: Array<{ id: string; type: string; status: string; receivedAt: string; source: string }>;
  nodes: Array<{ id: string; parent: string | null; depth: number; type: string }>;
  truncated: boolean;
}

/** A record of alice's whose event was caused by `parent` and which lists `children`. */
function node(id: string, parent: string | undefined, children: string[] = [], userId = 'alice'): EventRecord {
  const event = makeEvent({ userid: userId, id, type: `demo.${id.replaceAll(/[^a-z0-9]/g, '')}`, source: `/drivers/${id}`, ...(parent !== undefined && { causationid: parent }) });
  return makeRecord(event, { children, receivedAt: '2026-01-01T00:00:01.000Z' });
}

async function tree(fixture: ApiFixture, path: string, token?: string): Promise<Tree> {
  const response = await send(fixture, 'GET', path, { token: token ?? (await fixture.token('alice')) });
  assert.equal(response.status, 200, response.text);
  return response.json() as Tree;
}

describe('GET /api/events/{id}/tree', () => {
  it('shows the ancestors root first and the descendants breadth first with parent and depth', async () => {
    const fixture = apiFixture();
    await fixture.store.insertAccepted([
      node('g0', undefined, ['g1']),
      node('g1', 'g0', ['t']),
      node('t', 'g1', ['c1', 'c2', 'gone']),
      node('c1', 't', ['c1a', 'c1b']),
      node('c2', 't', ['c2a']),
      node('c1a', 'c1'),
      node('c1b', 'c1'),
      node('c2a', 'c2'),
    ]);
    const result = await tree(fixture, '/api/events/t/tree');
    assert.equal(result.id, 't');
    assert.deepEqual(result.ancestors, [
      { id: 'g0', type: 'demo.g0', status: 'processed', receivedAt: '2026-01-01T00:00:01.000Z', source: '/drivers/g0' },
      { id: 'g1', type: 'demo.g1', status: 'processed', receivedAt: '2026-01-01T00:00:01.000Z', source: '/drivers/g1' },
    ]);
    assert.deepEqual(result.nodes.map((each) => [each.id, each.parent, each.depth]), [
      ['t', null, 0],
      ['c1', 't', 1],
      ['c2', 't', 1],
      ['c1a', 'c1', 2],
      ['c1b', 'c1', 2],
      ['c2a', 'c2', 2],
    ], 'a child without a record ("gone") is left out');
    assert.equal(result.truncated, false);
    const root = await tree(fixture, '/api/events/g0/tree');
    assert.deepEqual(root.ancestors, []);
    assert.equal(root.nodes.length, 8);
  });

  it('follows what the processor recorded', async () => {
    const fixture = apiFixture();
    const echo = defineDriver({
      manifest: { id: 'echo', name: 'Echo', version: '1.0.0', type: 'tool', capabilities: ['demo.*'] },
      async handle() {
        return [{ type: 'echoed.one' }, { type: 'echoed.two' }];
      },
    });
    await send(fixture, 'POST', '/api/events', { token: await fixture.token('alice'), headers: STRUCTURED, body: JSON.stringify(cloudEvent({ id: 'origin' })) });
    await processQueued(fixture, [echo]);
    const result = await tree(fixture, '/api/events/origin/tree');
    assert.deepEqual(result.nodes.map((each) => [each.type, each.parent, each.depth]), [['demo.ping', null, 0], ['echoed.one', 'origin', 1], ['echoed.two', 'origin', 1]]);
    const child = await tree(fixture, `/api/events/${result.nodes[1]!.id}/tree`);
    assert.deepEqual(child.ancestors.map((each) => each.id), ['origin']);
  });

  it('stops at 500 nodes and says so', async () => {
    const fixture = apiFixture();
    const wide = Array.from({ length: 600 }, (_, index) => `w${index}`);
    const exact = Array.from({ length: 499 }, (_, index) => `x${index}`);
    // Two levels: 10 children with 60 each is 611 nodes with the root.
    const middle = Array.from({ length: 10 }, (_, index) => `m${index}`);
    const leaves = (parent: string): string[] => Array.from({ length: 60 }, (_, index) => `${parent}-${index}`);
    await fixture.store.insertAccepted([
      node('wide', undefined, wide), ...wide.map((id) => node(id, 'wide')),
      node('exact', undefined, exact), ...exact.map((id) => node(id, 'exact')),
      node('deep', undefined, middle), ...middle.map((id) => node(id, 'deep', leaves(id))), ...middle.flatMap((id) => leaves(id).map((leaf) => node(leaf, id))),
    ]);
    const widest = await tree(fixture, '/api/events/wide/tree');
    assert.equal(widest.nodes.length, 500);
    assert.equal(widest.truncated, true);
    assert.deepEqual(widest.nodes.slice(1, 3).map((each) => each.id), ['w0', 'w1'], 'in the order the parent lists them');
    const full = await tree(fixture, '/api/events/exact/tree');
    assert.equal(full.nodes.length, 500);
    assert.equal(full.truncated, false, 'exactly 500 is the whole tree');
    const deepest = await tree(fixture, '/api/events/deep/tree');
    assert.equal(deepest.nodes.length, 500);
    assert.equal(deepest.truncated, true);
    assert.deepEqual(deepest.nodes.slice(0, 11).map((each) => each.depth), [0, ...Array<number>(10).fill(1)], 'a whole level before the next');
  });

  it("lets an admin read another user's tree; anyone else gets 403", async () => {
    const fixture = apiFixture();
    await fixture.store.insertAccepted([node('t', undefined, ['c']), node('c', 't')]);
    const admin = await tree(fixture, '/api/events/c/tree?user=alice', await fixture.adminToken());
    assert.deepEqual(admin.ancestors.map((each) => each.id), ['t']);
    assertProblem(await send(fixture, 'GET', '/api/events/c/tree?user=alice', { token: await fixture.token('bob') }), 403);
    assertProblem(await send(fixture, 'GET', '/api/events/c/tree', { token: await fixture.token('bob') }), 404);
  });

  it('answers 404 for an unknown event and 400 naming a bad id or parameter', async () => {
    const fixture = apiFixture();
    const token = await fixture.token('alice');
    assertProblem(await send(fixture, 'GET', '/api/events/nope/tree', { token }), 404);
    assertProblem(await send(fixture, 'GET', `/api/events/${'x'.repeat(200)}/tree`, { token }), 400, { field: 'id' });
    assertProblem(await send(fixture, 'GET', '/api/events/t/tree?depth=3', { token }), 400, { field: 'depth' });
    assertProblem(await send(fixture, 'GET', '/api/events/t/tree?user=no%20one', { token }), 400, { field: 'user' });
  });
});
