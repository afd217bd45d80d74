/**
 * A Cosmos DB protocol server (@vercel/cosmosdb-server) on a free loopback port, in HTTP mode
 * (or HTTPS, see startCosmosServer), for tests and the bench. The real @azure/cosmos SDK talks to
 * it. It cannot prove OFFSET/LIMIT, GROUP BY, TTL, atomic transactional batches or the change
 * feed: tests that depend on those say so and run only in the live suite (live-cosmos.test.ts).
 */
import type { AddressInfo } from 'node:net';
import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import { createHttpServer, createHttpsServer } from '@vercel/cosmosdb-server';

/**
 * The Cosmos DB emulator's published, well-known key. The protocol server does not check
 * signatures; the SDK just needs a well-formed key to sign with.
 */
export const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface CosmosTestServer {
  endpoint: string;
  key: string;
  /** A new client for this server; disposed by `close`. `options` are merged over the defaults. */
  client(options?: Partial<CosmosClientOptions>): CosmosClient;
  close(): Promise<void>;
}

/** Client options any client of an HTTP-mode protocol server needs. */
export function protocolServerClientOptions(endpoint: string): CosmosClientOptions {
  // Without this the SDK follows the https:// locations the server advertises and fails (EPROTO).
  return { endpoint, key: EMULATOR_KEY, connectionPolicy: { enableEndpointDiscovery: false } };
}

/**
 * `https: true` serves with the package's self-signed certificate and advertises https:// locations,
 * so a client with default options (endpoint discovery on, as the product's own clients are) works
 * when TLS verification is off for it, e.g. a child process run with NODE_TLS_REJECT_UNAUTHORIZED=0.
 */
export async function startCosmosServer(options: { https?: boolean } = {}): Promise<CosmosTestServer> {
  const server = options.https ? createHttpsServer() : createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  const clients: CosmosClient[] = [];
  return {
    endpoint,
    key: EMULATOR_KEY,
    client: (options = {}) => {
      const base = protocolServerClientOptions(endpoint);
      const client = new CosmosClient({ ...base, ...options, connectionPolicy: { ...base.connectionPolicy, ...options.connectionPolicy } });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients.splice(0)) client.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
