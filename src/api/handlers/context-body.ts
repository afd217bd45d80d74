/**
 * The body of `PUT /api/context/{path}`, in one of three forms (see context-documents.ts):
 * raw JSON, raw text, or the envelope `application/vnd.vextir.context+json`. Every failure
 * names the field: `content-type`, `body`, `vextir-metadata`, or a JSON pointer into the envelope.
 */
import { z } from 'zod';
import { type ContextWrite, isKernelError, KernelError } from '../../kernel/index.js';
import { decodeUtf8, isJsonMediaType, parseJson, parseMediaType, requireUtf8 } from '../body.js';
import type { ApiRequest } from '../types.js';
import { atPointer, describeIssue, invalidInput, issuesFrom } from '../validation.js';

export const CONTEXT_ENVELOPE_TYPE = 'application/vnd.vextir.context+json';
export const METADATA_HEADER = 'vextir-metadata';

/** Room for escaping and pretty-printing: JSON text may be longer than the content it stores. */
const JSON_OVERHEAD = (maxDocumentBytes: number) => 2 * maxDocumentBytes + 64 * 1024;

const metadataSchema = z.record(z.string(), z.unknown());
const envelopeSchema = z.strictObject({
  content: z.unknown().refine((value) => value !== undefined, 'is required (null is a valid JSON document)'),
  /** Default: text/plain for a string, application/json for any other value. */
  contentType: z.string().min(1).max(255).optional(),
  metadata: metadataSchema.optional(),
});

export async function readContextWrite(request: ApiRequest, maxDocumentBytes: number): Promise<ContextWrite> {
  const write = await parseWrite(request, maxDocumentBytes);
  // The store checks this too; checked here so that the 413 names the field.
  const size = storedSize(write);
  if (size > maxDocumentBytes) throw tooLarge(maxDocumentBytes, `is ${size} bytes as stored; the limit is ${maxDocumentBytes}`);
  return write;
}

async function parseWrite(request: ApiRequest, maxDocumentBytes: number): Promise<ContextWrite> {
  const media = parseMediaType(request.headers.get('content-type'));
  if (media === undefined) throw unsupported('a document needs a Content-Type: application/json, text/* or ' + CONTEXT_ENVELOPE_TYPE);
  requireUtf8(media);
  const headerMetadata = metadataHeader(request.headers.get(METADATA_HEADER));
  if (media.essence === CONTEXT_ENVELOPE_TYPE) {
    if (headerMetadata !== undefined) {
      throw invalidInput('the request', [{ field: METADATA_HEADER, reason: `is not used with ${CONTEXT_ENVELOPE_TYPE}: put the metadata in the body` }]);
    }
    const parsed = envelopeSchema.safeParse(parseJson(await readBody(request, JSON_OVERHEAD(maxDocumentBytes), maxDocumentBytes), { pointer: '' }), { error: describeIssue });
    if (!parsed.success) throw invalidInput('the document', issuesFrom(parsed.error, atPointer(), (key) => `is not a known field ("${key}"); use content, contentType and metadata`));
    const { content, contentType, metadata } = parsed.data;
    return { content, contentType: contentType ?? (typeof content === 'string' ? 'text/plain' : 'application/json'), ...(metadata !== undefined && { metadata }) };
  }
  const withMetadata = headerMetadata === undefined ? {} : { metadata: headerMetadata };
  if (isJsonMediaType(media)) {
    const content = parseJson(await readBody(request, JSON_OVERHEAD(maxDocumentBytes), maxDocumentBytes), { field: 'body' });
    return { content, contentType: media.essence, ...withMetadata };
  }
  if (media.essence.startsWith('text/')) {
    const content = decodeUtf8(await readBody(request, maxDocumentBytes, maxDocumentBytes), { field: 'body' });
    return { content, contentType: media.essence, ...withMetadata };
  }
  throw unsupported(`the context hub stores JSON (application/json) and text (text/*) documents, not ${media.essence}`);
}

/** `Vextir-Metadata: {"priority":"high"}`: a JSON object (ASCII; use \u escapes or the envelope form for other characters). */
function metadataHeader(header: string | null): Record<string, unknown> | undefined {
  if (header === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch (error) {
    throw invalidInput('the metadata', [{ field: METADATA_HEADER, reason: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const parsed = metadataSchema.safeParse(value);
  if (!parsed.success || Array.isArray(value)) throw invalidInput('the metadata', [{ field: METADATA_HEADER, reason: 'must be a JSON object' }]);
  return parsed.data;
}

async function readBody(request: ApiRequest, limit: number, maxDocumentBytes: number): Promise<Uint8Array> {
  try {
    return await request.body(limit);
  } catch (error) {
    if (!isKernelError(error, 'payload_too_large')) throw error;
    throw tooLarge(maxDocumentBytes, `is larger than the ${maxDocumentBytes}-byte document limit`);
  }
}

/** Bytes of the content as a store keeps it: the text itself, or JSON text. */
function storedSize(write: ContextWrite): number {
  const media = parseMediaType(write.contentType);
  const text = media !== undefined && !isJsonMediaType(media) && typeof write.content === 'string' ? write.content : (JSON.stringify(write.content) ?? '');
  return Buffer.byteLength(text, 'utf8');
}

function tooLarge(maxDocumentBytes: number, reason: string): KernelError {
  return new KernelError('payload_too_large', `a context document may be at most ${maxDocumentBytes} bytes (VEXTIR_CONTEXT_MAX_DOC_BYTES)`, {
    details: { errors: [{ field: 'body', reason }] },
  });
}

function unsupported(reason: string): KernelError {
  return new KernelError('unsupported_media_type', reason, { details: { errors: [{ field: 'content-type', reason }] } });
}
