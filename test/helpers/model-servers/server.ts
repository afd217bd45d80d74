/**
 * A model provider on loopback for tests: answers each POST with the next reply scripted for
 * the requested model (or for any model, `*`), in the provider's wire format, and records every
 * request it receives (path, headers, parsed body) so tests can assert what was sent: which
 * model was asked, whether an email address arrived redacted, which key header came along.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_USAGE, type ScriptedReply, type WireFormat } from './script.js';

export interface RecordedRequest {
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** `body.model`: the provider's model name (an Azure deployment name for Azure). */
  model: string;
}

export interface ModelServer {
  /** The provider base URL to configure (e.g. OPENAI_BASE_URL): http://127.0.0.1:<port><basePath>. */
  readonly url: string;
  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[];
  /** Queue replies for `model` (a provider model name, or `*` for any), answered in order. Unscripted calls get `{text: "ok from <model>"}`. */
  script(model: string, ...replies: ScriptedReply[]): void;
  requestsFor(model: string): RecordedRequest[];
  /** Forget requests and scripts. */
  reset(): void;
  close(): Promise<void>;
}

export async function startModelServer(wire: WireFormat, basePath: string): Promise<ModelServer> {
  const scripts = new Map<string, ScriptedReply[]>();
  const requests: RecordedRequest[] = [];
  let sequence = 0;

  const next = (model: string): ScriptedReply => scripts.get(model)?.shift() ?? scripts.get('*')?.shift() ?? { text: `ok from ${model}`, usage: DEFAULT_USAGE };

  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      if (req.method !== 'POST' || !(req.url ?? '').split('?')[0]!.endsWith(wire.pathSuffix)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      const model = typeof body['model'] === 'string' ? body['model'] : '';
      requests.push({ path: req.url ?? '', headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body, model });
      sequence += 1;
      let reply = next(model);
      while ('delayMs' in reply) {
        const { delayMs, then } = reply;
        // Answer late, or not at all when the client gave up meanwhile.
        const gone = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), delayMs);
          res.once('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (gone) return;
        reply = then;
      }
      const rendered = wire.render(reply, body, sequence);
      res.writeHead(rendered.status, { 'content-type': 'application/json', ...rendered.headers }).end(JSON.stringify(rendered.body));
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `test server: ${String(error)}` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    requests,
    script(model, ...replies) {
      scripts.set(model, [...(scripts.get(model) ?? []), ...replies]);
    },
    requestsFor: (model) => requests.filter((request) => request.model === model),
    reset() {
      requests.length = 0;
      scripts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // slow replies still waiting must not hold the close
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
