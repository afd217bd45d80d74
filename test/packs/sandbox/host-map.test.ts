/**
 * VEXTIR_PACK_HOST_MAP: the operator pins hosts a pack declares to addresses. Parsed with a
 * precise error; a pinned host is connected at its address asking for the declared name; an
 * unpinned host keeps the default refusal of internal addresses; a pin never lets a pack reach a
 * host its manifest does not declare (the manifest's check runs first).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { hostMappedFetch, parseHostMap } from '../../../src/packs/sandbox/index.js';
import { performFetch, DEFAULT_FETCH_LIMITS } from '../../../src/packs/sandbox/host-fetch.js';

let server: Server;
let port: number;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(200).end('pinned');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => new Promise((done) => server.close(done)));

describe('parseHostMap', () => {
  it('reads names, optional schemes and ports, IPv6 in brackets', () => {
    assert.deepEqual([...parseHostMap(' API.github.com=127.0.0.1:8080, hooks.slack.com=https://proxy.internal ,v6.example.com=[::1]:9,')], [
      ['api.github.com', { address: '127.0.0.1', port: 8080 }],
      ['hooks.slack.com', { protocol: 'https:', address: 'proxy.internal' }],
      ['v6.example.com', { address: '::1', port: 9 }],
    ]);
    assert.equal(parseHostMap('').size, 0);
  });

  it('refuses what it cannot read, naming the entry', () => {
    assert.throws(() => parseHostMap('api.github.com'), /"api\.github\.com" is not <host name>=\[http:\/\/\|https:\/\/\]<address>\[:<port>\]/);
    assert.throws(() => parseHostMap('*.github.com=127.0.0.1'), /"\*\.github\.com=127\.0\.0\.1" is not/);
    assert.throws(() => parseHostMap('a.com=ftp://127.0.0.1'), /is not <host name>/);
    assert.throws(() => parseHostMap('a.com=127.0.0.1:70000'), /the port must be 1-65535/);
    assert.throws(() => parseHostMap('a.com=[1:2:3:4:5:6:7:8:9]'), /is not an IPv6 address/);
    assert.throws(() => parseHostMap('a.com=1.2.3.4,A.com=5.6.7.8'), /"a\.com" is pinned twice/);
  });

  it('is a setting: loadConfig names it in the error', () => {
    assert.throws(() => loadConfig({ VEXTIR_PACK_HOST_MAP: 'nonsense' }), /VEXTIR_PACK_HOST_MAP: "nonsense" is not <host name>=/);
    assert.deepEqual([...loadConfig({ VEXTIR_PACK_HOST_MAP: 'a.example=10.0.0.1' }).packs.hostMap], [['a.example', { address: '10.0.0.1' }]]);
    assert.equal(loadConfig({}).packs.hostMap.size, 0);
  });
});

describe('hostMappedFetch', () => {
  const fetchOf = () => hostMappedFetch(parseHostMap(`api.example.com=http://127.0.0.1:${port}`));
  const request = (url: string) => ({ t: 'fetch' as const, id: 1, url, method: 'GET', headers: [['x-pack', 'yes']] as Array<[string, string]> });

  it('connects a pinned, declared host at its address (even an internal one), asking for the declared name', async () => {
    const answer = await performFetch(request('https://api.example.com/v1/items?page=2'), ['api.example.com'], fetchOf(), DEFAULT_FETCH_LIMITS, new AbortController().signal);
    assert.equal(answer.ok, true, JSON.stringify(answer));
    assert.equal(Buffer.from((answer as { body: string }).body, 'base64').toString(), 'pinned');
    assert.deepEqual([seen.at(-1)?.url, seen.at(-1)?.headers.host, seen.at(-1)?.headers['x-pack']], ['/v1/items?page=2', 'api.example.com', 'yes']);
  });

  it('never reaches a pinned host the pack does not declare', async () => {
    const before = seen.length;
    const answer = await performFetch(request('http://api.example.com/'), ['other.example.com'], fetchOf(), DEFAULT_FETCH_LIMITS, new AbortController().signal);
    assert.deepEqual([answer.ok, (answer as { code: string }).code], [false, 'refused']);
    assert.equal(seen.length, before);
  });

  it('leaves unpinned hosts to the default fetch, which refuses internal addresses', async () => {
    const answer = await performFetch(request(`http://localhost:${port}/`), ['localhost'], fetchOf(), DEFAULT_FETCH_LIMITS, new AbortController().signal);
    assert.equal(answer.ok, false);
    assert.match((answer as { message: string }).message, /internal address a pack may not reach/);
  });
});
