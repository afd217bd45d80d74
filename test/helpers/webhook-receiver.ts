/**
 * A webhook receiver for tests (node:http on loopback): records every request with its raw body
 * and verifies signatures with the exported helper, as a user's receiver would. Each path answers
 * from its own script (e.g. 503, 503, then 200; or `hang` to never answer), then 200.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, type Verification } from '../../src/drivers/notifications/index.js';

export type Answer = number | 'hang';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The signature checked with the channel's secret (when the path has one). */
  verification?: Verification;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answers for the next requests to `path`, in order; afterwards 200. */
  script(path: string, ...answers: Answer[]): void;
  /** Verify requests to `path` with this secret. */
  secret(path: string, secret: string): void;
  on(path: string): ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, Answer[]>();
  const secrets = new Map<string, string>();
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const secret = secrets.get(path);
      const header = request.headers['vextir-signature'];
      const entry: ReceivedWebhook = { path, headers: request.headers, body };
      if (secret !== undefined) entry.verification = verifyWebhookSignature(secret, typeof header === 'string' ? header : undefined, body);
      received.push(entry);
      const answer = scripts.get(path)?.shift() ?? 200;
      if (answer === 'hang') return void hanging.add(response);
      if (entry.verification?.ok === false) return void response.writeHead(401).end(entry.verification.reason);
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : `scripted ${answer}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (path, ...answers) => void scripts.set(path, [...(scripts.get(path) ?? []), ...answers]),
    secret: (path, secret) => void secrets.set(path, secret),
    on: (path) => received.filter((entry) => entry.path === path),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
