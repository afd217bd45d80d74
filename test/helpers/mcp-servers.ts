/**
 * MCP servers for tests, as `mcp_servers` entries of the project file: the official reference
 * servers (server-everything, server-memory, server-filesystem) and the SDK-built servers of
 * test/fixtures/mcp over stdio, and a Streamable HTTP server this process serves with the SDK
 * (stateful sessions, as a production server keeps them) that a test can stop and start again.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { TEST_SERVERS } from '../fixtures/mcp/servers.js';

const root = resolve(import.meta.dirname, '..', '..');

/** A reference server from node_modules, run with this Node. */
export function referenceServer(id: string, name: 'server-everything' | 'server-memory' | 'server-filesystem', args: string[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, transport: 'stdio', command: process.execPath, args: [join(root, 'node_modules', '@modelcontextprotocol', name, 'dist', 'index.js'), ...args], ...extra };
}

/** One of test/fixtures/mcp/servers.ts over stdio. */
export function fixtureServer(id: string, name: keyof typeof TEST_SERVERS, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, transport: 'stdio', command: process.execPath, args: ['--import', 'tsx', join(root, 'test', 'fixtures', 'mcp', 'stdio-server.ts'), name], cwd: root, ...extra };
}

export interface HttpMcpServer {
  url: string;
  /** Sessions the server opened since it (re)started. */
  sessions(): number;
  /** Bearer tokens the server saw. */
  authorizations: string[];
  /** Stops listening and forgets every session, as a crashed or redeployed server does. */
  stop(): Promise<void>;
  /** Listens again on the same port, with no sessions. */
  restart(): Promise<void>;
}

export async function startHttpMcpServer(name: keyof typeof TEST_SERVERS, port = 0): Promise<HttpMcpServer> {
  let transports = new Map<string, StreamableHTTPServerTransport>();
  const authorizations: string[] = [];
  let server: Server;
  const listen = async (at: number): Promise<number> => {
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((done) => server.listen(at, '127.0.0.1', done));
    return (server.address() as AddressInfo).port;
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    authorizations.push(req.headers.authorization ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body: unknown = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (transport === undefined) {
      if (typeof sessionId === 'string' || !isInitializeRequest(body)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (id) => void transports.set(id, created) });
      transport = created;
      await TEST_SERVERS[name]().connect(created);
    }
    await transport.handleRequest(req, res, body);
  };
  const actualPort = await listen(port);
  return {
    url: `http://127.0.0.1:${actualPort}/mcp`,
    sessions: () => transports.size,
    authorizations,
    async stop() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      await Promise.all([...transports.values()].map((transport) => transport.close()));
      transports = new Map();
    },
    async restart() {
      await listen(actualPort);
    },
  };
}
