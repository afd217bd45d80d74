/**
 * The ContextStore contract, run against every adapter (memory, SQLite, Cosmos protocol server).
 * This file: the harness, reads and writes, ETags, folders and limits. Deletion, moves, listing,
 * versions and user isolation in context-store-contract-tree.ts; queries in
 * context-store-contract-query.ts; full-text search in context-store-contract-search.ts.
 *
 * The suite opens every store with small limits (CONTRACT_LIMITS) so that pruning and the size
 * limit are cheap to reach, and with the harness's TestClock, which decides every timestamp.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError, type KernelErrorCode } from '../../src/kernel/index.js';
import type { ContextLimits, ContextStore } from '../../src/kernel/ports/context.js';
import { TestClock } from '../helpers/kernel-fixture.js';
import { contextQueryContract } from './context-store-contract-query.js';
import { contextSearchContract } from './context-store-contract-search.js';
import { contextTreeContract } from './context-store-contract-tree.js';

export interface ContextHarness {
  store: ContextStore;
  close(): void | Promise<void>;
}

/** What an adapter cannot do, each with a reason in the adapter's registration; keep this list short. */
export interface ContextCapabilities {
  /**
   * Search orders hits by relevance (BM25-like: a word in the name, or more often in a short
   * text, ranks higher). Without it, only which documents are hit is checked, not their order.
   */
  searchRanking: boolean;
  /** Hits carry a snippet around the match. */
  searchSnippets: boolean;
}

export type OpenContext = (options: { clock: TestClock; limits: ContextLimits }) => ContextHarness | Promise<ContextHarness>;
export type WithContext = (test: (store: ContextStore, clock: TestClock) => Promise<void>) => Promise<void>;

export const CONTRACT_LIMITS: ContextLimits = { maxDocumentBytes: 4096, versionsKept: 3 };
export const T0 = '2026-03-01T09:00:00.000Z';

export function rejectsWith(code: KernelErrorCode): (error: unknown) => boolean {
  return (error) => isKernelError(error, code);
}

export const pathsOf = (entries: ReadonlyArray<{ path: string }>): string[] => entries.map((entry) => entry.path);

export function contextStoreContract(adapter: string, open: OpenContext, capabilities: Partial<ContextCapabilities> = {}): void {
  const can: ContextCapabilities = { searchRanking: true, searchSnippets: true, ...capabilities };
  const withContext: WithContext = async (test) => {
    const clock = new TestClock(new Date(T0));
    const harness = await open({ clock, limits: CONTRACT_LIMITS });
    try {
      await test(harness.store, clock);
    } finally {
      await harness.close();
    }
  };

  describe(`ContextStore contract: ${adapter}`, () => {
    it('a new user has the root folder and nothing else', () =>
      withContext(async (store) => {
        const root = await store.get('alice', '/');
        assert.equal(root?.kind, 'folder');
        assert.equal(root?.path, '/');
        assert.equal(root?.content, null);
        assert.equal(root?.contentType, 'inode/directory');
        assert.deepEqual(await store.list('alice', '/', { limit: 10 }), { entries: [] });
        assert.equal(await store.get('alice', '/Projects'), undefined);
        assert.deepEqual((await store.makeFolder('alice', '/')).path, '/');
      }));

    it('gets the JSON document that was put, with version 1, an ETag, its size and the write time', () =>
      withContext(async (store) => {
        const content = { status: 'green', items: [1, 'two', null], note: 'é😀' };
        const written = await store.put('alice', '/Projects/Alpha/status', { content, contentType: 'application/json', metadata: { priority: 'high', tags: ['q1'] } });
        assert.deepEqual({ ...written, etag: '' }, {
          path: '/Projects/Alpha/status',
          kind: 'document',
          content,
          contentType: 'application/json',
          metadata: { priority: 'high', tags: ['q1'] },
          version: 1,
          etag: '',
          size: Buffer.byteLength(JSON.stringify(content), 'utf8'),
          createdAt: T0,
          updatedAt: T0,
        });
        assert.ok(written.etag.length > 0);
        assert.deepEqual(await store.get('alice', '/Projects/Alpha/status'), written);
        const copy = await store.get('alice', '/Projects/Alpha/status');
        (copy!.content as { items: unknown[] }).items.push('mutated');
        copy!.metadata.priority = 'low';
        assert.deepEqual(await store.get('alice', '/Projects/Alpha/status'), written, 'a result is a copy');
      }));

    it('keeps text as text: size is its UTF-8 bytes; a JSON string is JSON', () =>
      withContext(async (store) => {
        const text = '# Notes\n\nCafé ☕ and 😀\n';
        const note = await store.put('alice', '/notes.md', { content: text, contentType: 'text/markdown; charset=utf-8' });
        assert.equal(note.content, text);
        assert.equal(note.contentType, 'text/markdown; charset=utf-8');
        assert.equal(note.size, Buffer.byteLength(text, 'utf8'));
        assert.deepEqual(note.metadata, {});
        const quoted = await store.put('alice', '/quoted', { content: 'hi', contentType: 'application/json' });
        assert.equal(quoted.size, 4, 'the JSON text "hi" with its quotes');
        const values: unknown[] = [null, 0, -1.5e-7, true, [], {}, { deep: { er: [{ x: 'y' }] } }];
        for (const [index, value] of values.entries()) {
          await store.put('alice', `/values/v${index}`, { content: value, contentType: 'application/vnd.example+json' });
          assert.deepEqual((await store.get('alice', `/values/v${index}`))?.content, value, JSON.stringify(value));
        }
      }));

    it('creates missing parent folders, which are entries of their own', () =>
      withContext(async (store, clock) => {
        await store.put('alice', '/Projects/Alpha/status', { content: {}, contentType: 'application/json' });
        const folder = await store.get('alice', '/Projects/Alpha');
        assert.deepEqual({ ...folder, etag: '' }, {
          path: '/Projects/Alpha', kind: 'folder', content: null, contentType: 'inode/directory', metadata: {},
          version: 1, etag: '', size: 0, createdAt: T0, updatedAt: T0,
        });
        assert.deepEqual(pathsOf((await store.list('alice', '/', { limit: 10 })).entries), ['/Projects']);
        assert.deepEqual(pathsOf((await store.list('alice', '/Projects', { limit: 10 })).entries), ['/Projects/Alpha']);
        clock.advance(1000);
        await store.put('alice', '/Projects/Beta/x', { content: 1, contentType: 'application/json' });
        assert.deepEqual(await store.get('alice', '/Projects/Alpha'), folder, 'existing folders are left alone');
        const made = await store.makeFolder('alice', '/Archive/2025');
        assert.equal(made.kind, 'folder');
        assert.equal((await store.get('alice', '/Archive'))?.kind, 'folder');
        assert.deepEqual(await store.makeFolder('alice', '/Archive/2025'), made, 'an existing folder is returned as it is');
        assert.deepEqual(await store.makeFolder('alice', '/Projects'), await store.get('alice', '/Projects'));
      }));

    it('replacing a document makes a new version with a new ETag; createdAt stays', () =>
      withContext(async (store, clock) => {
        const first = await store.put('alice', '/doc', { content: { n: 1 }, contentType: 'application/json', metadata: { a: 1 } });
        clock.advance(5000);
        const second = await store.put('alice', '/doc', { content: 'now text', contentType: 'text/plain' });
        assert.equal(second.version, 2);
        assert.notEqual(second.etag, first.etag);
        assert.equal(second.createdAt, T0);
        assert.equal(second.updatedAt, clock.now().toISOString());
        assert.deepEqual(second.metadata, {}, 'metadata is replaced with the write, not merged');
        const third = await store.put('alice', '/doc', { content: 'now text', contentType: 'text/plain' });
        assert.equal(third.version, 3, 'the same content again is still a write');
        assert.notEqual(third.etag, second.etag);
      }));

    it('ifMatch and ifNoneMatch guard writes', () =>
      withContext(async (store) => {
        const stale = rejectsWith('precondition_failed');
        const doc = { content: { n: 1 }, contentType: 'application/json' };
        await assert.rejects(store.put('alice', '/doc', doc, { ifMatch: 'no-such-etag' }), stale, 'ifMatch on a missing entry');
        const created = await store.put('alice', '/doc', doc, { ifNoneMatch: '*' });
        await assert.rejects(store.put('alice', '/doc', doc, { ifNoneMatch: '*' }), stale);
        await store.makeFolder('alice', '/folder');
        await assert.rejects(store.put('alice', '/folder', doc, { ifNoneMatch: '*' }), stale, 'any entry counts');
        const updated = await store.put('alice', '/doc', { content: { n: 2 }, contentType: 'application/json' }, { ifMatch: created.etag });
        await assert.rejects(store.put('alice', '/doc', doc, { ifMatch: created.etag }), stale);
        assert.deepEqual(await store.get('alice', '/doc'), updated, 'a refused write changes nothing');
        await assert.rejects(store.put('alice', '/doc', doc, { ifMatch: updated.etag, ifNoneMatch: '*' }), rejectsWith('invalid_input'));
        await assert.rejects(store.put('alice', '/doc', doc, { ifMatch: '' }), rejectsWith('invalid_input'));
      }));

    it('a document where a folder is, or below a document, is a conflict', () =>
      withContext(async (store) => {
        const conflict = rejectsWith('conflict');
        const doc = { content: 'x', contentType: 'text/plain' };
        await store.put('alice', '/A/b', doc);
        await assert.rejects(store.put('alice', '/A', doc), conflict, 'over a folder');
        await assert.rejects(store.put('alice', '/', doc), conflict, 'over the root');
        await assert.rejects(store.put('alice', '/A/b/c', doc), conflict, 'below a document');
        await assert.rejects(store.put('alice', '/A/b/c/d', doc), conflict, 'further below a document');
        await assert.rejects(store.makeFolder('alice', '/A/b'), conflict, 'a folder over a document');
        await assert.rejects(store.makeFolder('alice', '/A/b/c'), conflict, 'a folder below a document');
        assert.equal(await store.get('alice', '/A/b/c'), undefined);
        assert.deepEqual(pathsOf((await store.list('alice', '/A', { limit: 10 })).entries), ['/A/b']);
      }));

    it('refuses content over the size limit, bad content and bad input, storing nothing', () =>
      withContext(async (store) => {
        const invalid = rejectsWith('invalid_input');
        const max = CONTRACT_LIMITS.maxDocumentBytes;
        assert.equal((await store.put('alice', '/max', { content: 'é'.repeat(max / 2), contentType: 'text/plain' })).size, max);
        await assert.rejects(store.put('alice', '/big', { content: `${'é'.repeat(max / 2)}x`, contentType: 'text/plain' }), rejectsWith('payload_too_large'));
        await assert.rejects(store.put('alice', '/big', { content: { text: 'x'.repeat(max) }, contentType: 'application/json' }), rejectsWith('payload_too_large'));
        await assert.rejects(store.put('alice', '/m', { content: 1, contentType: 'application/json', metadata: { big: 'x'.repeat(70_000) } }), rejectsWith('payload_too_large'));
        const bad: Array<[string, unknown, string, unknown?]> = [
          ['text content that is not a string', { n: 1 }, 'text/plain'],
          ['undefined JSON content', undefined, 'application/json'],
          ['NaN', { n: Number.NaN }, 'application/json'],
          ['a Date', { at: new Date(0) }, 'application/json'],
          ['the folder type', null, 'inode/directory'],
          ['no media type', 'x', 'markdown'],
          ['metadata that is an array', 1, 'application/json', ['a']],
          ['metadata that is null', 1, 'application/json', null],
        ];
        for (const [what, content, contentType, metadata] of bad) {
          const write = { content, contentType, ...(metadata !== undefined && { metadata: metadata as Record<string, unknown> }) };
          await assert.rejects(store.put('alice', '/bad', write), invalid, what);
        }
        for (const path of ['relative', '/trailing/', '/a//b', '/a/./b', '/a/../b', '']) {
          await assert.rejects(store.put('alice', path, { content: 1, contentType: 'application/json' }), invalid, `path ${JSON.stringify(path)}`);
          await assert.rejects(store.get('alice', path), invalid, `get ${JSON.stringify(path)}`);
        }
        await assert.rejects(store.get('not a user!', '/x'), invalid, 'user id');
        assert.deepEqual(pathsOf((await store.list('alice', '/', { limit: 10 })).entries), ['/max']);
      }));
  });

  contextTreeContract(adapter, withContext);
  contextQueryContract(adapter, withContext);
  contextSearchContract(adapter, withContext, can);
}
