/** A new user's starting workspace: created once, race-safe, never overwriting or resurrecting anything. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryContextStore, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { ContextWorkspace, WELCOME_PATH, WORKSPACE_FOLDERS } from '../../src/kernel/context/workspace.js';

async function rootPaths(store: MemoryContextStore, user: string): Promise<string[]> {
  return (await store.list(user, '/', { limit: 100 })).entries.map((entry) => entry.path);
}

describe('ContextWorkspace', () => {
  it('creates the four folders and the welcome document', async () => {
    const store = new MemoryContextStore();
    await new ContextWorkspace(store, new MemoryStateStore()).ensure('alice');
    assert.deepEqual(await rootPaths(store, 'alice'), [...WORKSPACE_FOLDERS, WELCOME_PATH].sort());
    const welcome = await store.get('alice', WELCOME_PATH);
    assert.equal(welcome?.contentType, 'text/markdown');
    assert.equal(welcome?.version, 1);
  });

  it('converges on one workspace when instances race, and keeps what the user already wrote', async () => {
    const store = new MemoryContextStore();
    const state = new MemoryStateStore();
    await store.put('bob', WELCOME_PATH, { content: 'my own welcome', contentType: 'text/plain' });
    await store.put('bob', '/Notes', { content: 'a document named Notes', contentType: 'text/plain' });
    const instances = [new ContextWorkspace(store, state), new ContextWorkspace(store, state), new ContextWorkspace(store, state)];
    await Promise.all(instances.flatMap((workspace) => [workspace.ensure('bob'), workspace.ensure('bob')]));
    assert.equal((await store.get('bob', WELCOME_PATH))?.content, 'my own welcome');
    assert.equal((await store.get('bob', '/Notes'))?.kind, 'document');
    assert.equal((await store.get('bob', '/Research'))?.kind, 'folder');
  });

  it('does not give back what the user deleted, even in a process that never saw them', async () => {
    const store = new MemoryContextStore();
    const state = new MemoryStateStore();
    await new ContextWorkspace(store, state).ensure('carol');
    await store.delete('carol', WELCOME_PATH);
    await store.delete('carol', '/Research');
    await new ContextWorkspace(store, state).ensure('carol');
    assert.deepEqual(await rootPaths(store, 'carol'), ['/Documents', '/Notes', '/Projects']);
  });

  it('asks the stores nothing once a user is known', async () => {
    const store = new MemoryContextStore();
    let reads = 0;
    const state = new (class extends MemoryStateStore {
      override async get(...args: Parameters<MemoryStateStore['get']>) {
        reads += 1;
        return super.get(...args);
      }
    })();
    const workspace = new ContextWorkspace(store, state);
    for (let i = 0; i < 5; i += 1) await workspace.ensure('dave');
    assert.equal(reads, 1);
  });
});
