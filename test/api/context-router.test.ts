import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createRouter } from '../../src/api/router.js';

describe('router: a trailing *param takes the rest of the path', () => {
  const router = createRouter([
    { method: 'GET', path: '/api/context', handler: 'collection' },
    { method: 'GET', path: '/api/context/*path', handler: 'entry' },
    { method: 'PUT', path: '/api/context/*path', handler: 'put' },
    { method: 'GET', path: '/api/events/:id', handler: 'event' },
  ]);

  it('matches one or more segments, decoding each once', () => {
    assert.deepEqual(router.match('GET', '/api/context/Projects'), { kind: 'found', handler: 'entry', params: { path: 'Projects' } });
    assert.deepEqual(router.match('GET', '/api/context/Projects/Alpha/status'), { kind: 'found', handler: 'entry', params: { path: 'Projects/Alpha/status' } });
    assert.deepEqual(router.match('GET', '/api/context/My%20Notes/%C3%A9t%C3%A9'), { kind: 'found', handler: 'entry', params: { path: 'My Notes/été' } });
    // Decoded once: a double-encoded escape stays an escape (and the path normalizer refuses it).
    assert.deepEqual(router.match('GET', '/api/context/A%2525'), { kind: 'found', handler: 'entry', params: { path: 'A%25' } });
  });

  it('keeps the collection route for the bare prefix and ignores a trailing slash', () => {
    assert.deepEqual(router.match('GET', '/api/context'), { kind: 'found', handler: 'collection', params: {} });
    assert.deepEqual(router.match('GET', '/api/context/'), { kind: 'found', handler: 'collection', params: {} });
    assert.deepEqual(router.match('GET', '/api/context/Projects/'), { kind: 'found', handler: 'entry', params: { path: 'Projects' } });
  });

  it('passes empty inner segments on for the handler to refuse', () => {
    assert.deepEqual(router.match('GET', '/api/context/A//B'), { kind: 'found', handler: 'entry', params: { path: 'A//B' } });
  });

  it('does not match a malformed escape, and reports other methods', () => {
    assert.deepEqual(router.match('GET', '/api/context/%E0%A4%A'), { kind: 'not_found' });
    assert.deepEqual(router.match('DELETE', '/api/context/A'), { kind: 'method_not_allowed', allow: ['GET', 'PUT'] });
  });

  it('leaves :param routes matching exactly one segment', () => {
    assert.deepEqual(router.match('GET', '/api/events/e1'), { kind: 'found', handler: 'event', params: { id: 'e1' } });
    assert.deepEqual(router.match('GET', '/api/events/e1/more'), { kind: 'not_found' });
  });
});
