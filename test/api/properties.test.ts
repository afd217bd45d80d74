import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { detectIngestMode, parseIngest, type ApiRequest } from '../../src/api/index.js';
import { envelopeSchema, isKernelError, type Envelope } from '../../src/kernel/index.js';
import { apiFixture, toSent, type ApiFixture } from './helpers.js';

const RUNS = 300;
const INGEST_ERRORS = new Set(['invalid_input', 'unsupported_media_type', 'payload_too_large']);
const encoder = new TextEncoder();

/** A header lookup over a plain map, so header values need not be valid HTTP (the parser must cope anyway). */
function headerMap(entries: Record<string, string>): ApiRequest['headers'] {
  const map = new Map(Object.entries(entries).map(([name, value]) => [name.toLowerCase(), value]));
  return { get: (name) => map.get(name.toLowerCase()) ?? null, forEach: (callback) => map.forEach((value, name) => callback(value, name)) };
}

function request(headers: Record<string, string>, body: Uint8Array): ApiRequest {
  return {
    method: 'POST',
    url: new URL('http://localhost/api/events'),
    headers: headerMap(headers),
    body: async () => body,
    signal: new AbortController().signal,
  };
}

const ATTRIBUTES = ['specversion', 'id', 'type', 'source', 'time', 'subject', 'data', 'datacontenttype', 'dataschema', 'correlationid', 'category', 'userid', 'depth', 'causationid', 'data_base64'];
const CONTENT_TYPES = [
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.x+json',
  'text/plain',
  'application/octet-stream',
  'application/cloudevents+json; charset=latin1',
];

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,8}$/);
const eventType = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const eventId = fc.stringMatching(/^[A-Za-z0-9._~:@-]{1,40}$/);
const plausibleValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), eventId, eventType, fc.constant('1.0'), fc.constant('input'), fc.date({ noInvalidDate: true }).map((date) => date.toISOString()));
/** Events every mode must accept (`time` within what `toISOString` writes as RFC 3339). */
const validEvent = fc.record(
  {
    id: eventId,
    type: eventType,
    source: fc.string({ minLength: 1, maxLength: 40 }),
    time: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((date) => date.toISOString()),
    subject: fc.string({ maxLength: 40 }),
    data: fc.jsonValue({ maxDepth: 4 }),
    correlationid: eventId,
  },
  { requiredKeys: ['id', 'type', 'source'] },
);
/** A valid CloudEvent with at most one attribute replaced or added: most pass, many fail on exactly one rule. */
const nearlyValid = fc
  .tuple(validEvent, fc.option(fc.tuple(fc.constantFrom(...ATTRIBUTES, 'extra'), plausibleValue), { freq: 2 }))
  .map(([event, change]) => ({ specversion: '1.0', ...event, ...(change === null ? {} : { [change[0]]: change[1] }) }));
/** Objects that look like events often enough to reach the attribute checks, not only the type checks. */
const eventLike = fc.dictionary(fc.oneof(fc.constantFrom(...ATTRIBUTES, '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 8 })), plausibleValue, { maxKeys: 12 });
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), eventLike, fc.array(eventLike, { maxLength: 5 }), nearlyValid, fc.array(nearlyValid, { maxLength: 5 }));
const headerName = fc.oneof(fc.constantFrom('content-type', 'ce-constructor', '__proto__', ...ATTRIBUTES.map((name) => `ce-${name}`)), fc.string({ maxLength: 12 }));
const headerValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...CONTENT_TYPES), plausibleValue.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))));
/** ce-* headers of a nearly valid event, so binary mode gets past its first checks. */
const binaryHeaders = fc.tuple(nearlyValid, fc.constantFrom(...CONTENT_TYPES)).map(([event, contentType]) => {
  const entries: Record<string, string> = { 'content-type': contentType };
  for (const [name, value] of Object.entries(event)) {
    if (name !== 'data') entries[`ce-${name}`] = typeof value === 'string' ? encodeURIComponent(value) : JSON.stringify(value) ?? '';
  }
  return entries;
});
const headers = fc.oneof(fc.dictionary(headerName, headerValue, { maxKeys: 8 }), binaryHeaders);
const body = fc.oneof(anyJson.map((value) => encoder.encode(JSON.stringify(value))), fc.string().map((text) => encoder.encode(text)), fc.uint8Array({ maxLength: 64 }));

const stamp = { userId: 'alice', now: '2026-01-01T00:00:00.000Z', newId: () => 'evt_generated', maxBatchSize: 100 };

describe('ingest properties', () => {
  it('the parser returns valid envelopes or throws a KernelError, for any JSON body and any headers', () => {
    fc.assert(
      fc.property(headers, body, (headerEntries, bytes) => {
        const lookup = headerMap(headerEntries);
        try {
          const events = parseIngest(detectIngestMode(lookup), lookup, bytes, stamp);
          for (const event of events) {
            envelopeSchema.parse(event);
            assert.equal(event.userid, 'alice');
            assert.equal(event.depth, 0);
            assert.equal(event.category, 'input');
            assert.equal(event.causationid, undefined);
          }
        } catch (error) {
          if (!isKernelError(error) || !INGEST_ERRORS.has(error.code)) throw error;
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('a stamp the server got wrong (user, generated id, receive time) is an internal error, never an envelope', () => {
    const headers = headerMap({ 'content-type': 'application/json' });
    const plain = encoder.encode(JSON.stringify({ type: 'note.created' }));
    for (const wrong of [{ userId: 'not a user!' }, { newId: () => '' }, { now: 'yesterday' }]) {
      assert.throws(
        () => parseIngest('plain', headers, plain, { ...stamp, ...wrong }),
        (error: unknown) => isKernelError(error, 'internal') && /ingress stamped an invalid (userid|id|time)/.test(error.message),
      );
    }
  });

  it('the parser handles every JSON value in every JSON mode', () => {
    const modes = ['application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json'];
    fc.assert(
      fc.property(fc.constantFrom(...modes), anyJson, (contentType, value) => {
        const lookup = headerMap({ 'content-type': contentType });
        try {
          parseIngest(detectIngestMode(lookup), lookup, encoder.encode(JSON.stringify(value)), stamp);
        } catch (error) {
          if (!isKernelError(error) || !INGEST_ERRORS.has(error.code)) throw error;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('POST /api/events answers 2xx or a 4xx problem, never 5xx, never throws', async () => {
    const fixture = apiFixture();
    const authorization = `Bearer ${await fixture.token()}`;
    const statuses = new Map<number, number>();
    /** Coherent requests (the body matches the content type) reach ingest; random ones probe the edges. */
    const coherent = fc.oneof(
      nearlyValid.map((event) => ({ headers: { 'content-type': 'application/cloudevents+json' }, bytes: encoder.encode(JSON.stringify(event)) })),
      fc.array(nearlyValid, { maxLength: 4 }).map((events) => ({ headers: { 'content-type': 'application/cloudevents-batch+json' }, bytes: encoder.encode(JSON.stringify(events)) })),
      nearlyValid.map(({ specversion: _specversion, ...event }) => ({ headers: { 'content-type': 'application/json' }, bytes: encoder.encode(JSON.stringify(event)) })),
    );
    const random = fc
      .tuple(headers, fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }), body)
      .map(([entries, contentType, bytes]) => ({ headers: { ...entries, ...(contentType === undefined ? {} : { 'content-type': contentType }) }, bytes }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(coherent, random), async ({ headers: sent, bytes }) => {
        const response = await fixture.api.handle(request({ ...sent, authorization }, bytes));
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const { text } = toSent(response);
        if (response.status >= 200 && response.status < 300) {
          assert.equal(response.status, 202);
          assert.equal(response.headers['content-type'], 'application/json');
          assert.ok(Array.isArray((JSON.parse(text) as { ids: unknown }).ids));
        } else {
          assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}: ${text}`);
          assert.equal(response.headers['content-type'], 'application/problem+json');
          assert.equal((JSON.parse(text) as { status: number }).status, response.status);
        }
      }),
      { numRuns: RUNS },
    );
    // Both outcomes were exercised, not just the parser's first check.
    assert.ok((statuses.get(202) ?? 0) > RUNS / 10, JSON.stringify([...statuses]));
    assert.ok((statuses.get(400) ?? 0) > RUNS / 10, JSON.stringify([...statuses]));
  });

  it('valid events round-trip in every mode: stored and queued exactly as sent, owned by the token user', async () => {
    const userId = fc.stringMatching(/^[A-Za-z0-9._@-]{1,20}$/);
    const mode = fc.constantFrom('structured', 'batch', 'binary', 'plain');
    await fc.assert(
      fc.asyncProperty(validEvent, userId, mode, async (sent, user, how) => {
        const fixture = apiFixture();
        const { headers: sentHeaders, bytes } = encode(sent, how);
        const response = await fixture.api.handle(request({ ...sentHeaders, authorization: `Bearer ${await fixture.token(user)}` }, bytes));
        assert.equal(response.status, 202, toSent(response).text);
        const expected = expectedEnvelope(sent, user, how, fixture);
        assert.deepEqual((await fixture.store.get(user, sent.id))?.event, expected);
        const [delivery] = await fixture.queue.receive(10);
        assert.deepEqual(delivery?.body, expected);
      }),
      { numRuns: RUNS },
    );
  });
});

type Sent = { id: string; type: string; source: string; time?: string; subject?: string; data?: unknown; correlationid?: string };

function encode(sent: Sent, how: string): { headers: Record<string, string>; bytes: Uint8Array } {
  if (how === 'binary') {
    const headers: Record<string, string> = { 'ce-specversion': '1.0' };
    for (const [name, value] of Object.entries(sent)) if (name !== 'data') headers[`ce-${name}`] = encodeURIComponent(String(value));
    if (sent.data === undefined) return { headers, bytes: new Uint8Array() };
    return { headers: { ...headers, 'content-type': 'application/json' }, bytes: encoder.encode(JSON.stringify(sent.data)) };
  }
  if (how === 'plain') return { headers: { 'content-type': 'application/json' }, bytes: encoder.encode(JSON.stringify(sent)) };
  const structured = { specversion: '1.0', ...sent };
  if (how === 'batch') return { headers: { 'content-type': 'application/cloudevents-batch+json' }, bytes: encoder.encode(JSON.stringify([structured])) };
  return { headers: { 'content-type': 'application/cloudevents+json' }, bytes: encoder.encode(JSON.stringify(structured)) };
}

function expectedEnvelope(sent: Sent, userId: string, how: string, fixture: ApiFixture): Envelope {
  const expected: Envelope = {
    specversion: '1.0',
    id: sent.id,
    type: sent.type,
    source: sent.source,
    time: sent.time ?? fixture.clock.now().toISOString(),
    userid: userId,
    category: 'input',
    correlationid: sent.correlationid ?? sent.id,
    depth: 0,
  };
  if (sent.subject !== undefined) expected.subject = sent.subject;
  // What arrives is what JSON can carry (e.g. -0 becomes 0).
  if (sent.data !== undefined) expected.data = JSON.parse(JSON.stringify(sent.data)) as unknown;
  if (how === 'binary' && sent.data !== undefined) expected.datacontenttype = 'application/json';
  return expected;
}
