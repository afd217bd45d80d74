import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { apiFixture, assertNothingStored, assertProblem, BATCH, cloudEvent, PLAIN, send, STRUCTURED, type RequestInit } from './helpers.js';

const BINARY = { 'ce-specversion': '1.0', 'ce-id': 'b1', 'ce-type': 'demo.binary', 'ce-source': '/test', 'content-type': 'application/json' };

interface BadCase {
  name: string;
  request: RequestInit;
  status: number;
  where?: { pointer: string } | { field: string };
  /** A fragment the problem must mention (in `detail` or the reason of `where`). */
  mentions?: RegExp;
}

const json = (value: unknown) => JSON.stringify(value);
const without = (key: string) => Object.fromEntries(Object.entries(cloudEvent()).filter(([name]) => name !== key));

const CASES: BadCase[] = [
  { name: 'malformed JSON (structured)', request: { headers: STRUCTURED, body: '{"id": "e1",' }, status: 400, where: { pointer: '' }, mentions: /not valid JSON: .+/ },
  { name: 'malformed JSON (plain)', request: { headers: PLAIN, body: "{type: 'x'}" }, status: 400, where: { pointer: '' }, mentions: /not valid JSON/ },
  { name: 'malformed JSON (binary body)', request: { headers: BINARY, body: '{' }, status: 400, where: { field: 'body' }, mentions: /not valid JSON/ },
  { name: 'empty structured body', request: { headers: STRUCTURED, body: '' }, status: 400, where: { pointer: '' } },
  { name: 'invalid UTF-8', request: { headers: STRUCTURED, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, status: 400, where: { pointer: '' }, mentions: /UTF-8/ },
  { name: 'JSON nested too deep', request: { headers: STRUCTURED, body: json(cloudEvent({ data: JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown })) }, status: 400, where: { pointer: '' }, mentions: /nests more than/ },
  { name: 'structured body that is not an object', request: { headers: STRUCTURED, body: '[1]' }, status: 400, where: { pointer: '' }, mentions: /object/ },
  { name: 'missing type', request: { headers: STRUCTURED, body: json(without('type')) }, status: 400, where: { pointer: '/type' }, mentions: /required/ },
  { name: 'missing id', request: { headers: STRUCTURED, body: json(without('id')) }, status: 400, where: { pointer: '/id' }, mentions: /required/ },
  { name: 'missing source', request: { headers: STRUCTURED, body: json(without('source')) }, status: 400, where: { pointer: '/source' } },
  { name: 'missing specversion', request: { headers: STRUCTURED, body: json(without('specversion')) }, status: 400, where: { pointer: '/specversion' } },
  { name: 'wrong specversion', request: { headers: STRUCTURED, body: json(cloudEvent({ specversion: '0.3' })) }, status: 400, where: { pointer: '/specversion' }, mentions: /"1.0"/ },
  { name: 'invalid id', request: { headers: STRUCTURED, body: json(cloudEvent({ id: 'has space' })) }, status: 400, where: { pointer: '/id' } },
  { name: 'invalid type', request: { headers: STRUCTURED, body: json(cloudEvent({ type: 'demo..bad' })) }, status: 400, where: { pointer: '/type' }, mentions: /dotted name/ },
  { name: 'type of the wrong JSON type', request: { headers: STRUCTURED, body: json(cloudEvent({ type: 42 })) }, status: 400, where: { pointer: '/type' }, mentions: /string/ },
  { name: 'invalid time', request: { headers: STRUCTURED, body: json(cloudEvent({ time: 'yesterday' })) }, status: 400, where: { pointer: '/time' }, mentions: /RFC 3339/ },
  { name: 'category other than input', request: { headers: STRUCTURED, body: json(cloudEvent({ category: 'internal' })) }, status: 400, where: { pointer: '/category' } },
  { name: 'depth set by the client', request: { headers: STRUCTURED, body: json(cloudEvent({ depth: 0 })) }, status: 400, where: { pointer: '/depth' } },
  { name: 'causationid set by the client', request: { headers: STRUCTURED, body: json(cloudEvent({ causationid: 'x' })) }, status: 400, where: { pointer: '/causationid' } },
  { name: 'unknown attribute', request: { headers: STRUCTURED, body: json(cloudEvent({ color: 'red' })) }, status: 400, where: { pointer: '/color' }, mentions: /not a supported attribute/ },
  { name: 'attribute named like an Object.prototype member', request: { headers: STRUCTURED, body: '{"specversion":"1.0","id":"e1","type":"a.b","source":"/s","constructor":1,"__proto__":2}' }, status: 400, where: { pointer: '/constructor' }, mentions: /__proto__ is not a supported attribute/ },
  { name: 'data_base64', request: { headers: STRUCTURED, body: json(cloudEvent({ data_base64: 'AAAA' })) }, status: 400, where: { pointer: '/data_base64' } },
  { name: 'plain JSON without type', request: { headers: PLAIN, body: json({ data: 1 }) }, status: 400, where: { pointer: '/type' } },
  { name: 'plain JSON with a CloudEvents-only attribute', request: { headers: PLAIN, body: json({ type: 'a.b', specversion: '1.0' }) }, status: 400, where: { pointer: '/specversion' } },
  { name: 'plain JSON with an unknown attribute', request: { headers: PLAIN, body: json({ type: 'a.b', extra: true }) }, status: 400, where: { pointer: '/extra' } },
  { name: 'spoofed userid (structured body)', request: { headers: STRUCTURED, body: json(cloudEvent({ userid: 'mallory' })) }, status: 400, where: { pointer: '/userid' }, mentions: /bearer token/ },
  { name: 'spoofed userid (plain body)', request: { headers: PLAIN, body: json({ type: 'a.b', userid: 'mallory' }) }, status: 400, where: { pointer: '/userid' }, mentions: /bearer token/ },
  { name: 'spoofed userid (batch element)', request: { headers: BATCH, body: json([cloudEvent({ id: 'ok' }), cloudEvent({ id: 'x', userid: 'mallory' })]) }, status: 400, where: { pointer: '/1/userid' }, mentions: /bearer token/ },
  { name: 'spoofed userid (ce-userid header, binary)', request: { headers: { ...BINARY, 'ce-userid': 'mallory' }, body: '{}' }, status: 400, where: { field: 'ce-userid' }, mentions: /bearer token/ },
  { name: 'spoofed userid (ce-userid header, bare header lookup)', request: { headers: { ...BINARY, 'ce-userid': 'mallory' }, body: '{}', bareHeaders: true }, status: 400, where: { field: 'ce-userid' } },
  { name: 'spoofed userid (ce-userid header, structured)', request: { headers: { ...STRUCTURED, 'ce-userid': 'mallory' }, body: json(cloudEvent()) }, status: 400, where: { field: 'ce-userid' } },
  { name: 'binary: wrong ce-specversion', request: { headers: { ...BINARY, 'ce-specversion': '0.3' }, body: '{}' }, status: 400, where: { field: 'ce-specversion' } },
  { name: 'binary: missing ce-type', request: { headers: { ...BINARY, 'ce-type': '' }, body: '{}' }, status: 400, where: { field: 'ce-type' } },
  { name: 'binary: invalid ce-id', request: { headers: { ...BINARY, 'ce-id': 'a/b' }, body: '{}' }, status: 400, where: { field: 'ce-id' } },
  { name: 'binary: ce-depth', request: { headers: { ...BINARY, 'ce-depth': '3' }, body: '{}' }, status: 400, where: { field: 'ce-depth' } },
  { name: 'binary: unknown ce- attribute', request: { headers: { ...BINARY, 'ce-color': 'red' }, body: '{}' }, status: 400, where: { field: 'ce-color' } },
  { name: 'binary: bad percent-encoding', request: { headers: { ...BINARY, 'ce-source': '/a%zz' }, body: '{}' }, status: 400, where: { field: 'ce-source' } },
  { name: 'binary: unsupported body type', request: { headers: { ...BINARY, 'content-type': 'application/octet-stream' }, body: 'xx' }, status: 415, where: { field: 'content-type' } },
  { name: 'binary: body without a content type', request: { headers: Object.fromEntries(Object.entries(BINARY).filter(([name]) => name !== 'content-type')), body: 'xx' }, status: 415 },
  { name: 'unknown content type', request: { headers: { 'content-type': 'text/plain' }, body: 'hello' }, status: 415, where: { field: 'content-type' } },
  { name: 'no content type', request: { body: json(cloudEvent()) }, status: 415, where: { field: 'content-type' } },
  { name: 'unsupported charset', request: { headers: { 'content-type': 'application/cloudevents+json; charset=latin1' }, body: json(cloudEvent()) }, status: 415 },
  { name: 'body over 256 KiB', request: { headers: STRUCTURED, body: json(cloudEvent({ data: 'x'.repeat(256 * 1024) })) }, status: 413 },
  { name: 'batch over 100 events', request: { headers: BATCH, body: json(Array.from({ length: 101 }, (_, i) => cloudEvent({ id: `e${i}` }))) }, status: 413, mentions: /at most 100/ },
  { name: 'batch that is not an array', request: { headers: BATCH, body: json(cloudEvent()) }, status: 400, where: { pointer: '' }, mentions: /array/ },
  { name: 'batch with one invalid event', request: { headers: BATCH, body: json([cloudEvent({ id: 'ok' }), cloudEvent({ id: '' })]) }, status: 400, where: { pointer: '/1/id' } },
  { name: 'batch without specversion', request: { headers: BATCH, body: json([without('specversion')]) }, status: 400, where: { pointer: '/0/specversion' } },
  { name: 'batch repeating an id', request: { headers: BATCH, body: json([cloudEvent({ id: 'd' }), cloudEvent({ id: 'd' })]) }, status: 400, where: { pointer: '/1/id' }, mentions: /repeats/ },
];

describe('POST /api/events rejects bad input and stores nothing', () => {
  for (const bad of CASES) {
    it(bad.name, async () => {
      const fixture = apiFixture();
      const response = await send(fixture, 'POST', '/api/events', { ...bad.request, token: await fixture.token() });
      const problem = assertProblem(response, bad.status, bad.where);
      if (bad.mentions) {
        const reasons = (problem.errors ?? []).map((error) => error.reason).join(' ');
        assert.match(`${problem.detail} ${reasons}`, bad.mentions);
      }
      await assertNothingStored(fixture);
      assert.doesNotMatch((await fixture.metrics.render()).body, /vextir_events_ingested_total\{/);
    });
  }

  it('reports every invalid attribute at once', async () => {
    const fixture = apiFixture();
    const body = json({ specversion: '1.0', id: 'bad id', type: '', source: '/s', userid: 'x' });
    const problem = assertProblem(await send(fixture, 'POST', '/api/events', { token: await fixture.token(), headers: STRUCTURED, body }), 400);
    assert.deepEqual((problem.errors ?? []).map((error) => error.pointer).sort(), ['/id', '/type', '/userid']);
    await assertNothingStored(fixture);
  });
});
