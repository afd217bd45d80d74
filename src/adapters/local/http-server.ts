/**
 * Serves the host-neutral API (src/api) over node:http for the embedded default.
 * Translation only: node request -> ApiRequest, ApiResponse -> node response.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Api, ApiRequest, ApiResponse } from '../../api/index.js';
import { KernelError, type Logger } from '../../kernel/index.js';

export function createHttpServer(api: Api, logger: Logger): Server {
  const server = createServer((req, res) => {
    void serve(api, req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'writing the HTTP response failed');
      res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function serve(api: Api, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const response = await api.handle(toApiRequest(req, lazyAbortSignal(res)));
  await writeResponse(res, response);
}

/**
 * The request's signal, made when a handler first asks for it: only live streams and MCP calls
 * do, and building an AbortSignal for every ingest request cost several microseconds each. Only a
 * client that leaves before the answer is complete aborts (ends a live stream).
 */
function lazyAbortSignal(res: ServerResponse): () => AbortSignal {
  let abort: AbortController | undefined;
  let left = false;
  res.on('close', () => {
    if (res.writableFinished) return;
    left = true;
    abort?.abort();
  });
  return () => {
    if (abort === undefined) {
      abort = new AbortController();
      if (left) abort.abort();
    }
    return abort.signal;
  };
}

function toApiRequest(req: IncomingMessage, signal: () => AbortSignal): ApiRequest {
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`),
    headers: {
      get(name: string): string | null {
        const value = req.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
      forEach(callback: (value: string, name: string) => void): void {
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, name);
        }
      },
    },
    body: (limit: number) => readBody(req, limit),
    get signal() {
      return signal();
    },
  };
}

/** Reads the body up to `limit` bytes; past it, stops buffering and drains the rest so a 413 can still be answered. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      if (overflow) return;
      size += chunk.length;
      if (size > limit) {
        overflow = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (overflow ? reject(tooLarge(limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', (error) => reject(new KernelError('invalid_input', `the request body could not be read: ${error.message}`)));
  });
}

function tooLarge(limit: number): KernelError {
  return new KernelError('payload_too_large', `the request body is larger than ${limit} bytes`, { details: { limit } });
}

async function writeResponse(res: ServerResponse, response: ApiResponse): Promise<void> {
  if ('stream' in response) {
    res.writeHead(response.status, response.headers);
    res.flushHeaders();
    for await (const chunk of response.stream) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
    return;
  }
  const body = response.body ?? '';
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
