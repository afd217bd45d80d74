/**
 * Translates between the Functions host's HTTP types and the host-neutral API, so Azure serves
 * exactly what the local host serves. Exported separately from the registration so tests can
 * call it with `new HttpRequest(...)` built by hand.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Api, ApiRequest, ApiResponse } from '../api/index.js';
import { KernelError } from '../kernel/index.js';

export function createHttpHandler(getApi: () => Promise<Api>) {
  return async function vextirHttp(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const api = await getApi();
    return toResponseInit(await api.handle(toApiRequest(request)));
  };
}

function toApiRequest(request: HttpRequest): ApiRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    headers: request.headers,
    async body(limit: number): Promise<Uint8Array> {
      const declared = Number(request.headers.get('content-length') ?? Number.NaN);
      if (declared > limit) throw new KernelError('payload_too_large', `the request body is larger than ${limit} bytes`, { details: { limit } });
      const body = new Uint8Array(await request.arrayBuffer());
      if (body.byteLength > limit) throw new KernelError('payload_too_large', `the request body is larger than ${limit} bytes`, { details: { limit } });
      return body;
    },
    // The Functions host gives no disconnect notification; streams end at the host's timeout.
    signal: new AbortController().signal,
  };
}

function toResponseInit(response: ApiResponse): HttpResponseInit {
  if ('stream' in response) return { status: response.status, headers: response.headers, body: encode(response.stream) };
  return { status: response.status, headers: response.headers, body: response.body ?? '' };
}

async function* encode(chunks: AsyncIterable<string>): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  for await (const chunk of chunks) yield encoder.encode(chunk);
}
