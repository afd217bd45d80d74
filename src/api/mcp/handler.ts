/**
 * POST /api/mcp: Vextir as an MCP server over Streamable HTTP, for the caller the bearer token
 * names (createApi authenticates before this runs). Each POST carries JSON-RPC messages and is
 * answered with JSON (`enableJsonResponse`): no session, no server-sent stream, so GET and
 * DELETE are 405 (the router answers them, with `Allow: POST`), as the transport specification
 * lets a server without sessions or server-initiated messages do.
 *
 * This file only translates between the API's host-neutral request/response and the web
 * Request/Response the SDK's transport speaks; the tools and resources are in tools.ts and
 * resources.ts.
 */
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { KernelError } from '../../kernel/index.js';
import type { ApiRequest, ApiResponse } from '../types.js';
import type { AuthenticatedContext } from '../handlers/context.js';
import { createMcpServer } from './server.js';

/** The headers the transport reads; the Authorization header was consumed by authentication. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'] as const;

export async function postMcp(context: AuthenticatedContext): Promise<ApiResponse> {
  checkOrigin(context.request);
  // The same body limit as POST /api/events: every call becomes an event of at most that size.
  const body = await context.request.body(context.services.limits.maxBodyBytes);
  const server = createMcpServer(context);
  // No sessionIdGenerator: the stateless mode (no Mcp-Session-Id is issued or expected).
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  try {
    const response = await transport.handleRequest(toWebRequest(context.request, body));
    return await toApiResponse(response);
  } finally {
    await server.close();
  }
}

/**
 * The transport specification asks servers to check Origin against DNS rebinding. A bearer token
 * already stops a rebound page (it has no token to send); this refuses any browser page of
 * another origin too. Clients outside browsers send no Origin and are not affected.
 */
function checkOrigin(request: ApiRequest): void {
  const origin = request.headers.get('origin');
  if (origin === null) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== request.url.host) {
    throw new KernelError('forbidden', `requests to /api/mcp from a web page of another origin (${origin}) are refused`, { details: { errors: [{ field: 'origin', reason: `must be the API's own origin (${request.url.origin}) when sent` }] } });
  }
}

function toWebRequest(request: ApiRequest, body: Uint8Array): Request {
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Request(request.url, { method: request.method, headers, body, signal: request.signal });
}

async function toApiResponse(response: Response): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const text = await response.text();
  return text === '' ? { status: response.status, headers } : { status: response.status, headers, body: text };
}
