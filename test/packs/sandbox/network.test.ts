/**
 * A pack reaches the network only through `fetch`, which the host performs for the hosts the
 * manifest declares: an undeclared host (or a redirect to one) is refused and reported; the
 * default fetch refuses names that resolve to internal addresses; a socket of the pack's own is
 * refused in its process and, where a network namespace can be made, has no network to reach.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { isKernelError } from '../../../src/kernel/index.js';
import { probeNetworkNamespace, type SandboxFetch } from '../../../src/packs/sandbox/index.js';
import { answerOf, sandboxedPack, type SandboxedPack } from './helpers.js';

let server: Server;
let port: number;
const requests: Array<{ method: string; url: string; body: string; header: string | undefined }> = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ method: request.method!, url: request.url!, body, header: request.headers['x-pack'] as string | undefined });
      if (request.url === '/elsewhere') {
        response.writeHead(302, { location: 'http://evil.test/steal' }).end();
        return;
      }
      response.writeHead(200, { 'x-probe': 'from the server' }).end(`you said ${body || 'nothing'}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let pack: SandboxedPack | undefined;
afterEach(async () => {
  await pack?.stop();
  pack = undefined;
});

/** The host's fetch, with every name the pack may use served by the test's loopback server. */
const loopbackFetch: SandboxFetch = (url, init) => {
  const target = new URL(url);
  target.hostname = '127.0.0.1';
  return fetch(target, init);
};

const permissions = { network: { hosts: ['api.probe.test', '*.cdn.probe.test'] } };

describe("a pack's fetch", () => {
  it('reaches a declared host (and its subdomains, for a wildcard) through the host', async () => {
    pack = await sandboxedPack('probe', { permissions, fetch: loopbackFetch });
    const answer = answerOf(await pack.call({ action: 'fetch', url: `http://api.probe.test:${port}/forecast`, init: { method: 'POST', body: 'sunny?', headers: { 'x-pack': 'probe' } } }));
    assert.deepEqual(answer, { action: 'fetch', status: 200, body: 'you said sunny?', header: 'from the server' });
    assert.deepEqual(requests.at(-1), { method: 'POST', url: '/forecast', body: 'sunny?', header: 'probe' });
    assert.equal(answerOf(await pack.call({ action: 'fetch', url: `http://img.cdn.probe.test:${port}/a.png` })).status, 200);
    assert.deepEqual(pack.violations, []);
  });

  it('is refused for an undeclared host, reported, and fails the run even when the driver catches it', async () => {
    pack = await sandboxedPack('probe', { permissions, fetch: loopbackFetch });
    const before = requests.length;
    await assert.rejects(
      pack.call({ action: 'fetch-swallow', url: `http://exfiltrate.test:${port}/` }, { event: { id: 'fetch-1' } }),
      (error) => isKernelError(error, 'forbidden') && !error.retryable && /fetched exfiltrate\.test:\d+, a host its grant does not allow/.test(error.message),
    );
    // `*.cdn.probe.test` covers subdomains, not the name itself.
    await assert.rejects(pack.call({ action: 'fetch-swallow', url: `http://cdn.probe.test:${port}/` }), (error) => isKernelError(error, 'forbidden'));
    assert.equal(requests.length, before, 'no request left the host');
    assert.deepEqual(pack.violations.map(({ kind, target, eventId }) => ({ kind, target, eventId })), [
      { kind: 'fetch', target: `exfiltrate.test:${port}`, eventId: 'fetch-1' },
      { kind: 'fetch', target: `cdn.probe.test:${port}`, eventId: 'e2' },
    ]);
  });

  it('does not follow a redirect to an undeclared host', async () => {
    pack = await sandboxedPack('probe', { permissions, fetch: loopbackFetch });
    await assert.rejects(pack.call({ action: 'fetch', url: `http://api.probe.test:${port}/elsewhere` }), (error) => isKernelError(error, 'forbidden') && /evil\.test/.test(error.message));
    assert.equal(pack.violations[0]?.target, 'evil.test');
  });

  it('is bounded: a response larger than the limit fails the request (no violation)', async () => {
    pack = await sandboxedPack('probe', { permissions, fetch: loopbackFetch, fetchLimits: { maxResponseBytes: 8 } });
    const answer = answerOf(await pack.call({ action: 'fetch-swallow', url: `http://api.probe.test:${port}/big` }));
    assert.match(String(answer.error), /fetch failed: the response from api\.probe\.test:\d+ is larger than 8 bytes/);
    assert.equal(pack.violations.length, 0);
  });

  it('by default, refuses a declared name that resolves to an internal address', async () => {
    pack = await sandboxedPack('probe', { permissions: { network: { hosts: ['localhost'] } } });
    const answer = answerOf(await pack.call({ action: 'fetch-swallow', url: `http://localhost:${port}/` }));
    assert.match(String(answer.error), /fetch failed: .*localhost resolves to .*an internal address/);
    assert.deepEqual(pack.violations, [], 'a failed request, not a violation: the host was declared');
  });
});

describe("a pack's own sockets", () => {
  it('are refused in its process and reported, whatever the platform', async () => {
    pack = await sandboxedPack('probe', { networkIsolation: 'off' });
    assert.equal(pack.sandbox.stats().network === 'namespace', false);
    await assert.rejects(pack.call({ action: 'socket', port }), (error) => isKernelError(error, 'forbidden') && /socket of its own \(connect 127\.0\.0\.1:\d+\)/.test(error.message));
    await assert.rejects(pack.call({ action: 'http', port }), (error) => isKernelError(error, 'forbidden'));
    assert.deepEqual(pack.violations.map((violation) => violation.kind), ['net', 'net']);
  });

  it('have no network to reach in the namespace the sandbox starts the process in (Linux)', async (context) => {
    const probe = await probeNetworkNamespace();
    if (!probe.available) {
      // CI runs as root on Linux: there, no namespace is a failure, not a skip.
      if (process.env.CI === 'true') assert.fail(`no network namespace on CI: ${probe.reason}`);
      console.warn(`SKIPPED: no network namespace here (${probe.reason}); direct sockets are refused only inside the pack's process`);
      context.skip();
      return;
    }
    pack = await sandboxedPack('probe');
    assert.equal(pack.sandbox.stats().network, 'namespace');
    // Beneath the in-process refusal: a plain Node started the same way cannot reach the loopback
    // server either, while a pipe it inherited still carries messages.
    const script = `const s=require('net').connect(${port},'127.0.0.1');s.on('connect',()=>console.log('connected'));s.on('error',e=>console.log(e.code));`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(probe.prefix[0]!, [...probe.prefix.slice(1), process.execPath, '-e', script], { timeout: 10_000 }, (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout.trim()))),
    );
    assert.match(out, /^(ENETUNREACH|ECONNREFUSED|EADDRNOTAVAIL)$/);
    assert.notEqual(out, 'connected');
    assert.equal(answerOf(await pack.call({ action: 'echo' })).action, 'echo', 'the protocol pipe works inside the namespace');
  });
});
