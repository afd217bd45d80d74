/**
 * The CloudEvents HTTP binding (structured, binary, batch) plus plain JSON -> kernel Envelopes.
 * Pure: headers and body bytes in, envelopes out, or a KernelError (invalid_input,
 * unsupported_media_type, payload_too_large) naming every offending field. All events of a
 * request are validated before any is returned, so a bad one means none is stored or queued.
 */
import { type Envelope, KernelError } from '../kernel/index.js';
import { decodeUtf8, isJsonMediaType, parseJson, parseMediaType, requireUtf8, type MediaType } from './body.js';
import { cloudEventSchema, plainEventSchema, toEnvelope, unknownAttributeReason, type IngestStamp } from './ingest-schemas.js';
import type { ValidationIssue } from './problem.js';
import type { ApiRequest } from './types.js';
import { atPointer, describeIssue, invalidInput, issuesFrom, type Locate } from './validation.js';

export type IngestMode = 'structured' | 'batch' | 'binary' | 'plain';
type Headers = ApiRequest['headers'];

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

/** Decided from headers alone, so an unsupported request is refused before its body is read. */
export function detectIngestMode(headers: Headers): IngestMode {
  const media = parseMediaType(headers.get('content-type'));
  if (media?.essence === STRUCTURED) return 'structured';
  if (media?.essence === BATCH) return 'batch';
  if (headers.get('ce-specversion') !== null) return 'binary';
  if (media?.essence === 'application/json') return 'plain';
  const got = media === undefined ? 'no Content-Type' : `Content-Type "${media.essence}"`;
  throw new KernelError(
    'unsupported_media_type',
    `${got}: send ${STRUCTURED}, ${BATCH}, application/json, or a binary-mode CloudEvent with ce-* headers`,
    { details: { errors: [{ field: 'content-type', reason: 'is not a supported media type for events' }] } },
  );
}

export interface IngestOptions extends IngestStamp {
  maxBatchSize: number;
}

export function parseIngest(mode: IngestMode, headers: Headers, body: Uint8Array, options: IngestOptions): Envelope[] {
  if (mode === 'binary') return [parseBinary(headers, body, options)];
  const media = parseMediaType(headers.get('content-type'));
  if (media) requireUtf8(media);
  const spoofed = headers.get('ce-userid') === null ? [] : [{ field: 'ce-userid', reason: 'must not be sent: the user is taken from the bearer token' }];
  const value = parseJson(body, { pointer: '' });
  if (mode === 'batch') return parseBatch(value, spoofed, options);
  const schema = mode === 'plain' ? plainEventSchema : cloudEventSchema;
  const parsed = schema.safeParse(value, { error: describeIssue });
  const issues = [...spoofed, ...(parsed.success ? [] : issuesFrom(parsed.error, atPointer(), unknownAttributeReason))];
  if (!parsed.success || issues.length > 0) throw invalidInput('the event', issues);
  return [toEnvelope(parsed.data, options)];
}

function parseBatch(value: unknown, spoofed: ValidationIssue[], options: IngestOptions): Envelope[] {
  if (!Array.isArray(value)) throw invalidInput('the batch', [{ pointer: '', reason: 'must be a JSON array of CloudEvents' }]);
  if (value.length > options.maxBatchSize) {
    throw new KernelError('payload_too_large', `the batch has ${value.length} events; at most ${options.maxBatchSize} are accepted per request`, {
      details: { limit: options.maxBatchSize },
    });
  }
  const issues = [...spoofed];
  const events: Envelope[] = [];
  const firstIndexOf = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    const parsed = cloudEventSchema.safeParse(item, { error: describeIssue });
    if (!parsed.success) {
      issues.push(...issuesFrom(parsed.error, atPointer(`/${index}`), unknownAttributeReason));
      return;
    }
    const first = firstIndexOf.get(parsed.data.id);
    if (first !== undefined) issues.push({ pointer: `/${index}/id`, reason: `repeats the id of /${first}/id; ids must be unique` });
    else firstIndexOf.set(parsed.data.id, index);
    events.push(toEnvelope(parsed.data, options));
  });
  if (issues.length > 0) throw invalidInput('the batch', issues);
  return events;
}

/** ce-* headers the binary mode reads; `ce-userid` and friends are read only to be refused. */
const BINARY_ATTRIBUTES = ['specversion', 'id', 'type', 'source', 'time', 'subject', 'dataschema', 'correlationid', 'category', 'userid', 'depth', 'causationid', 'replyto', 'recipient', 'approval', 'producer'];
const KNOWN_HEADERS = new Set(BINARY_ATTRIBUTES.map((name) => `ce-${name}`));

const locateHeader: Locate = (path) => {
  const name = String(path[0] ?? '');
  if (name === 'datacontenttype') return { field: 'content-type' };
  if (name === 'data') return { field: 'body' };
  return { field: `ce-${name}` };
};

function parseBinary(headers: Headers, body: Uint8Array, options: IngestStamp): Envelope {
  const issues: ValidationIssue[] = [];
  const attributes: Record<string, unknown> = {};
  for (const name of BINARY_ATTRIBUTES) {
    const raw = headers.get(`ce-${name}`);
    if (raw === null) continue;
    try {
      // The binding percent-encodes header values (CloudEvents HTTP binding 3.1.3.2).
      attributes[name] = decodeURIComponent(raw);
    } catch {
      issues.push({ field: `ce-${name}`, reason: 'is not validly percent-encoded' });
    }
  }
  headers.forEach?.((_value, name) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('ce-') && !KNOWN_HEADERS.has(lower)) issues.push({ field: lower, reason: unknownAttributeReason(lower.slice(3)) });
  });
  const contentType = headers.get('content-type');
  if (contentType !== null && contentType.trim() !== '') attributes['datacontenttype'] = contentType.trim();
  const data = binaryData(parseMediaType(contentType), body);
  if (data !== undefined) attributes['data'] = data;
  const parsed = cloudEventSchema.safeParse(attributes, { error: describeIssue });
  if (!parsed.success) issues.push(...issuesFrom(parsed.error, locateHeader, unknownAttributeReason));
  if (!parsed.success || issues.length > 0) throw invalidInput('the event', issues);
  return toEnvelope(parsed.data, options);
}

/** The body is `data`: parsed for JSON media types, a string for text; nothing else is stored. */
function binaryData(media: MediaType | undefined, body: Uint8Array): unknown {
  if (body.byteLength === 0) return undefined;
  if (media === undefined) {
    throw new KernelError('unsupported_media_type', 'a binary-mode event with a body needs a Content-Type (a JSON type or text/*)', {
      details: { errors: [{ field: 'content-type', reason: 'is required when there is a body' }] },
    });
  }
  if (isJsonMediaType(media)) {
    requireUtf8(media);
    return parseJson(body, { field: 'body' });
  }
  if (media.essence.startsWith('text/')) {
    requireUtf8(media);
    return decodeUtf8(body, { field: 'body' });
  }
  throw new KernelError('unsupported_media_type', `Content-Type "${media.essence}" cannot be stored as event data; send JSON or text/*`, {
    details: { errors: [{ field: 'content-type', reason: 'must be application/json, a +json type or text/*' }] },
  });
}
