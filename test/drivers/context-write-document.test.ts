/** writeDocument: a write without metadata keeps the document's metadata, without losing a concurrent change. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryContextStore } from '../../src/adapters/memory/index.js';
import { writeDocument } from '../../src/kernel/context/write-document.js';
import { isKernelError } from '../../src/kernel/index.js';

describe('writeDocument', () => {
  it('keeps metadata when the write has none, replaces it when it has some', async () => {
    const store = new MemoryContextStore();
    const first = await writeDocument(store, 'alice', '/Notes/a', { content: 'one', contentType: 'text/plain', metadata: { priority: 'high' } });
    assert.equal(first.created, true);
    const second = await writeDocument(store, 'alice', '/Notes/a', { content: 'two', contentType: 'text/plain' });
    assert.deepEqual([second.created, second.entry.metadata], [false, { priority: 'high' }]);
    const third = await writeDocument(store, 'alice', '/Notes/a', { content: 'three', contentType: 'text/plain', metadata: {} });
    assert.deepEqual(third.entry.metadata, {});
  });

  it("reads again when another writer changes the document in between, so its metadata is not lost", async () => {
    let interleave = true;
    const store = new (class extends MemoryContextStore {
      override async get(userId: string, path: string) {
        const entry = await super.get(userId, path);
        if (interleave && entry !== undefined) {
          interleave = false; // another writer changes the metadata right after our read
          await super.put(userId, path, { content: 'theirs', contentType: 'text/plain', metadata: { priority: 'low', reviewed: true } });
        }
        return entry;
      }
    })();
    await store.put('alice', '/Notes/b', { content: 'mine', contentType: 'text/plain', metadata: { priority: 'high' } });
    const written = await writeDocument(store, 'alice', '/Notes/b', { content: 'mine again', contentType: 'text/plain' });
    assert.deepEqual(written.entry.metadata, { priority: 'low', reviewed: true });
    assert.equal(written.entry.version, 3);
  });

  it("honours the caller's own ifMatch instead of retrying", async () => {
    const store = new MemoryContextStore();
    const first = await store.put('alice', '/Notes/c', { content: 'one', contentType: 'text/plain' });
    await store.put('alice', '/Notes/c', { content: 'two', contentType: 'text/plain' });
    await assert.rejects(writeDocument(store, 'alice', '/Notes/c', { content: 'three', contentType: 'text/plain' }, { ifMatch: first.etag }), (error: unknown) => isKernelError(error, 'precondition_failed'));
  });
});
