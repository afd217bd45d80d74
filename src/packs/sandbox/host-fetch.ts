/**
 * The fetch a pack's code asks the host for: the URL's host is checked against the manifest's
 * `network.hosts` (exact names, or `*.example.com` for its subdomains), at every redirect too;
 * the host performs the request with a timeout and bounds on what goes out and comes back.
 */
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import type { childMessageSchema } from './protocol.js';

/** The shape of the global fetch the sandbox needs; injectable (tests map names to loopback). */
export type SandboxFetch = (
  url: string,
  init: { method: string; headers: Array<[string, string]>; body?: Uint8Array; signal: AbortSignal; redirect: 'manual' },
) => Promise<Response>;

export interface FetchLimits {
  timeoutMs: number;
  maxRequestBytes: number;
  maxResponseBytes: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 30_000, maxRequestBytes: 1024 * 1024, maxResponseBytes: 5 * 1024 * 1024, maxRedirects: 5 };

type FetchRequest = Extract<z.infer<typeof childMessageSchema>, { t: 'fetch' }>;

export type FetchAnswer =
  | { ok: true; status: number; statusText: string; headers: Array<[string, string]>; body: string; url: string; redirected: boolean }
  /** `refused`: a host outside the grant (a violation); the others are ordinary failures. */
  | { ok: false; code: 'refused' | 'invalid' | 'too_large' | 'timeout' | 'failed'; message: string; target?: string };

/** Whether `hostname` is one of `hosts`: exact, or under a `*.` entry (not the entry's own name). */
export function hostAllowed(hostname: string, hosts: readonly string[]): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
  return hosts.some((host) => (host.startsWith('*.') ? name.endsWith(host.slice(1)) && name.length > host.length - 1 : name === host));
}

// Headers the host sets itself, or that would let a request pose as another one.
const DROPPED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'proxy-authorization', 'proxy-connection', 'te', 'trailer']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function performFetch(request: FetchRequest, hosts: readonly string[], fetchImpl: SandboxFetch, limits: FetchLimits, cancel: AbortSignal): Promise<FetchAnswer> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, code: 'invalid', message: `"${request.url.slice(0, 200)}" is not a URL` };
  }
  let body = request.body === undefined ? undefined : Buffer.from(request.body, 'base64');
  if (body && body.byteLength > limits.maxRequestBytes) return { ok: false, code: 'too_large', message: `the request body is larger than ${limits.maxRequestBytes} bytes` };
  const headers = request.headers.filter(([name]) => !DROPPED_HEADERS.has(name.toLowerCase()));
  let method = request.method.toUpperCase();
  const signal = AbortSignal.any([cancel, AbortSignal.timeout(limits.timeoutMs)]);
  try {
    for (let hop = 0; ; hop += 1) {
      const refusal = checkUrl(url, hosts);
      if (refusal) return refusal;
      const response = await fetchImpl(url.href, { method, headers, ...(body === undefined ? {} : { body }), signal, redirect: 'manual' });
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) return await answer(response, url, hop > 0, limits, signal);
      await response.body?.cancel();
      if (hop >= limits.maxRedirects) return { ok: false, code: 'failed', message: `more than ${limits.maxRedirects} redirects` };
      url = new URL(location, url);
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  } catch (error) {
    if (signal.aborted && !cancel.aborted) return { ok: false, code: 'timeout', message: `no answer within ${limits.timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, code: 'failed', message: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

function checkUrl(url: URL, hosts: readonly string[]): FetchAnswer | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, code: 'invalid', message: `${url.protocol} URLs cannot be fetched (http and https only)` };
  if (!hostAllowed(url.hostname, hosts)) {
    const declared = hosts.length === 0 ? 'it declares no hosts' : `it declares ${hosts.join(', ')}`;
    return { ok: false, code: 'refused', target: url.host, message: `${url.host} is not a host the pack may reach (${declared})` };
  }
  return undefined;
}

async function answer(response: Response, url: URL, redirected: boolean, limits: FetchLimits, signal: AbortSignal): Promise<FetchAnswer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    // The web stream of node:stream/web (the global's type is not resolved without the DOM lib).
    const body = response.body as unknown as WebReadableStream<Uint8Array>;
    for await (const value of body) {
      if (signal.aborted) throw signal.reason;
      size += value.byteLength;
      if (size > limits.maxResponseBytes) {
        await body.cancel().catch(() => undefined);
        return { ok: false, code: 'too_large', message: `the response from ${url.host} is larger than ${limits.maxResponseBytes} bytes` };
      }
      chunks.push(value);
    }
  }
  return {
    ok: true,
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body: Buffer.concat(chunks).toString('base64'),
    url: url.href,
    redirected,
  };
}
