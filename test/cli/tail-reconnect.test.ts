/**
 * `vextir tail` after a dropped connection: it reconnects with the last cursor as Last-Event-ID
 * and prints a record the server sends again once. The peer is a real HTTP server speaking SSE
 * (the embedded host's stream cannot be cut mid-way from a test).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createClient } from '../../src/cli/client.js';
import { followStream } from '../../src/cli/commands/tail.js';
import { loadConfig } from '../../src/config.js';

const record = (id: string, status: string) => JSON.stringify({ id, type: 'demo.ping', status, updatedAt: `2026-03-02T10:00:0${id.slice(1)}.000Z`, event: { data: { n: id } } });

const requests: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  requests.push(request.headers);
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  if (requests.length === 1) {
    // Two records, the second carrying the page's cursor, then the connection drops.
    response.end(`: connected\n\nid: c0\nevent: processed\ndata: ${record('e1', 'processed')}\n\nid: c1\nevent: processed\ndata: ${record('e2', 'processed')}\n\n`);
  } else {
    // Resumed at the start of the page: e2 again, then a new one; then stays open.
    response.write(`id: c1\nevent: processed\ndata: ${record('e2', 'processed')}\n\nid: c2\nevent: denied\ndata: ${record('e3', 'denied')}\n\n`);
  }
});

beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('vextir tail', () => {
  it('reconnects with Last-Event-ID and prints each record once', async () => {
    const { port } = server.address() as AddressInfo;
    const client = await createClient(loadConfig({}), { url: `http://127.0.0.1:${port}`, token: 'any' });
    const lines: string[] = [];
    const notes: string[] = [];
    const abort = new AbortController();
    const following = followStream(client, {
      json: true,
      color: false,
      width: () => undefined,
      signal: abort.signal,
      retryMs: 10,
      write: (text) => {
        lines.push(text);
        if (lines.length === 3) abort.abort();
      },
      note: (text) => notes.push(text),
    });
    await following;
    assert.deepEqual(lines.map((line) => (JSON.parse(line) as { id: string }).id), ['e1', 'e2', 'e3']);
    assert.equal(requests[0]?.['last-event-id'], undefined);
    assert.equal(requests[1]?.['last-event-id'], 'c1');
    assert.match(notes.join(''), /connection lost; reconnecting in 0\.0s\nreconnected, resuming after c1\n/);
  });
});
