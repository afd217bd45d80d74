/**
 * Rules as documents: policy sets and agent definitions are read and written as YAML or JSON,
 * chosen by Content-Type on the way in and by Accept on the way out, so a person can GET a
 * document as YAML, edit it and PUT it back.
 */
import { KernelError } from '../kernel/index.js';
import { decodeUtf8, parseMediaType, requireUtf8 } from './body.js';
import type { ApiRequest } from './types.js';

export const YAML_TYPES: ReadonlySet<string> = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);
export const YAML_CONTENT_TYPE = 'application/yaml; charset=utf-8';

export type DocumentFormat = 'json' | 'yaml';

/** The body as text with its format; 415 naming `content-type` for anything but JSON or YAML. */
export async function readDocument(request: ApiRequest, maxBytes: number, what: string): Promise<{ text: string; format: DocumentFormat }> {
  const media = parseMediaType(request.headers.get('content-type'));
  const format = media === undefined ? undefined : media.essence === 'application/json' ? 'json' : YAML_TYPES.has(media.essence) ? 'yaml' : undefined;
  if (media === undefined || format === undefined) {
    throw new KernelError('unsupported_media_type', `send ${what} as application/json or application/yaml`, {
      details: { errors: [{ field: 'content-type', reason: 'must be application/json or application/yaml' }] },
    });
  }
  requireUtf8(media);
  return { text: decodeUtf8(await request.body(maxBytes), { pointer: '' }), format };
}

/** Whether the client asked for YAML (`Accept: application/yaml`, or any YAML type). */
export function prefersYaml(accept: string | null): boolean {
  return accept !== null && [...YAML_TYPES].some((type) => accept.includes(type));
}
