/** Small JSON request bodies (policies, approvals, grants): media type, size, JSON, schema — each failure named. */
import type { z } from 'zod';
import { KernelError } from '../kernel/index.js';
import { isJsonMediaType, parseJson, parseMediaType, requireUtf8 } from './body.js';
import type { ApiRequest } from './types.js';
import { atPointer, describeIssue, invalidInput, issuesFrom } from './validation.js';

export async function readJsonBody<S extends z.ZodType>(request: ApiRequest, maxBytes: number, schema: S, what: string): Promise<z.output<S>> {
  const media = parseMediaType(request.headers.get('content-type'));
  if (media === undefined || !isJsonMediaType(media)) {
    throw new KernelError('unsupported_media_type', `${what} must be sent as application/json`, {
      details: { errors: [{ field: 'content-type', reason: 'must be application/json' }] },
    });
  }
  requireUtf8(media);
  const value = parseJson(await request.body(maxBytes), { pointer: '' });
  const parsed = schema.safeParse(value, { error: describeIssue });
  if (!parsed.success) throw invalidInput(what, issuesFrom(parsed.error, atPointer(), (key) => `is not a known field ("${key}")`));
  return parsed.data;
}
