/**
 * One MCP server, kept connected with the official SDK client: stdio (a child process) or
 * Streamable HTTP. What users need of it:
 * - a stdio server that exits is started again, with exponential backoff while it keeps failing;
 * - an HTTP server that restarted (and forgot our session: 404, or 400 from servers that say
 *   "no valid session id") gets a fresh client and session, and the call is sent once more —
 *   safe, because the server refused the request before running it;
 * - `notifications/tools/list_changed` re-lists the tools;
 * - every call has the server's timeout and the driver's abort signal;
 * - a server that never starts gives its reason (spawn error, its last stderr lines) on every call;
 * - close() ends the child (stdin closed, then SIGTERM, then SIGKILL: the SDK's order).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../kernel/index.js';
import type { ResolvedMcpServer } from './schema.js';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}
const DEFAULT_BACKOFF: Backoff = { baseMs: 500, maxMs: 30_000 };
/** A connection that lived this long was healthy: the next failure starts the backoff afresh. */
const STABLE_MS = 10_000;
/**
 * Starting (spawn + initialize + the first tools/list) may take far longer than a call (npx or
 * docker fetching the server): at least this long, whatever the server's call timeout.
 */
const MIN_START_TIMEOUT_MS = 30_000;
/** What is kept of a stdio server's stderr, for the error that says why it would not start. */
const STDERR_TAIL_BYTES = 1000;

export type ConnectionState = 'connecting' | 'ready' | 'down' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  tools: number;
  restarts: number;
  pid?: number;
  error?: string;
}

/** The server cannot take calls now; `message` says why and when it is tried again. */
export class McpUnavailableError extends Error {
  override readonly name = 'McpUnavailableError';
}

export interface ConnectionDeps {
  logger: Logger;
  /** The server's tools after the allow-list, on connect and whenever the server announces a change. */
  onTools(tools: readonly Tool[]): void;
  backoff?: Backoff;
}

export class McpConnection {
  #client: Client | undefined;
  #attempt: Promise<Client> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #nextAttemptAt = 0;
  #failures = 0;
  #restarts = 0;
  #connectedAt = 0;
  #lastError: string | undefined;
  #pid: number | undefined;
  #toolCount = 0;
  #closed = false;
  #stderr = '';

  constructor(
    readonly server: ResolvedMcpServer,
    private readonly deps: ConnectionDeps,
  ) {}

  /** The first connection attempt; resolves when it settled, either way (a failure schedules the next). */
  async start(): Promise<void> {
    await this.#attemptNow().catch(() => undefined);
  }

  status(): ConnectionStatus {
    const state: ConnectionState = this.#closed ? 'closed' : this.#client ? 'ready' : this.#attempt ? 'connecting' : 'down';
    return {
      state,
      tools: this.#toolCount,
      restarts: this.#restarts,
      ...(this.#pid !== undefined && state === 'ready' && { pid: this.#pid }),
      ...(this.#lastError !== undefined && state !== 'ready' && { error: this.#lastError }),
    };
  }

  /** Calls a tool. Throws McpUnavailableError when the server is not running, or what the SDK throws (timeout, abort, protocol). */
  async callTool(name: string, args: Record<string, unknown>, options: { signal: AbortSignal; meta?: Record<string, unknown> }): Promise<CallToolResult> {
    const call = (client: Client) =>
      client.callTool({ name, arguments: args, ...(options.meta && { _meta: options.meta }) }, undefined, { signal: options.signal, timeout: this.server.timeout }) as Promise<CallToolResult>;
    const client = await this.#ready();
    try {
      return await call(client);
    } catch (error) {
      if (!isSessionGone(error) || this.#closed) throw error;
      this.deps.logger.info({ server: this.server.id }, 'the MCP server no longer knows our session: connecting again');
      this.#discard(client);
      return call(await this.#ready());
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const attempt = this.#attempt;
    if (attempt) await attempt.catch(() => undefined);
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.close().catch((error: unknown) => this.deps.logger.warn({ err: error, server: this.server.id }, 'closing the MCP client failed'));
  }

  async #ready(): Promise<Client> {
    if (this.#closed) throw new McpUnavailableError(`MCP server "${this.server.id}" is shut down`);
    if (this.#client) return this.#client;
    if (this.#attempt) return this.#attempt;
    // HTTP: a call is a good moment to try again (a request is cheap); stdio: the backoff decides.
    if (this.server.transport === 'http') return this.#attemptNow();
    const wait = Math.max(0, Math.ceil((this.#nextAttemptAt - performance.now()) / 1000));
    throw new McpUnavailableError(`MCP server "${this.server.id}" is not running: ${this.#lastError ?? 'not started'}; next start attempt in ${wait}s`);
  }

  #attemptNow(): Promise<Client> {
    clearTimeout(this.#timer);
    const attempt = this.#connect().then(
      (client) => {
        this.#client = client;
        this.#connectedAt = performance.now();
        this.#lastError = undefined;
        return client;
      },
      (error: unknown) => {
        this.#lastError = this.#describe(error);
        this.deps.logger.error({ server: this.server.id, reason: this.#lastError }, 'could not start the MCP server');
        this.#scheduleRestart();
        throw new McpUnavailableError(`MCP server "${this.server.id}" could not be started: ${this.#lastError}`);
      },
    );
    this.#attempt = attempt;
    void attempt.catch(() => undefined).finally(() => {
      if (this.#attempt === attempt) this.#attempt = undefined;
    });
    return attempt;
  }

  async #connect(): Promise<Client> {
    const client = new Client(
      { name: 'vextir-os', version: '1.0.0' },
      { listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => void this.#listTools(client) } } },
    );
    const transport = this.#transport();
    client.onclose = () => this.#lost(client);
    try {
      await client.connect(transport, { timeout: Math.max(MIN_START_TIMEOUT_MS, this.server.timeout) });
      this.#pid = transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
      await this.#listTools(client, true);
    } catch (error) {
      client.onclose = ignoreClose;
      await client.close().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.close().catch(() => undefined);
      throw new McpUnavailableError(`MCP server "${this.server.id}" is shut down`);
    }
    return client;
  }

  #transport(): Transport {
    const server = this.server;
    if (server.transport === 'http') return new StreamableHTTPClientTransport(server.url, { requestInit: { headers: server.headers } });
    this.#stderr = '';
    const transport = new StdioClientTransport({ command: server.command, args: server.args, env: server.env, stderr: 'pipe', ...(server.cwd !== undefined && { cwd: server.cwd }) });
    transport.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL_BYTES);
      this.deps.logger.debug({ server: server.id, stderr: text }, 'MCP server stderr');
    });
    return transport;
  }

  /** Every page of tools; `initial`: failures reach the caller (the connect attempt) instead of the log. */
  async #listTools(client: Client, initial = false): Promise<void> {
    const timeout = initial ? Math.max(MIN_START_TIMEOUT_MS, this.server.timeout) : this.server.timeout;
    try {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor }, { timeout });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      if (this.#closed) return;
      this.#toolCount = tools.length;
      this.deps.onTools(tools);
    } catch (error) {
      if (initial) throw error;
      this.deps.logger.error({ err: error, server: this.server.id }, 'could not list the tools of the MCP server after it announced a change');
    }
  }

  /** The connection ended without close(): the server exited or dropped us. */
  #lost(client: Client): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    this.#lastError = this.#describe(new Error('the server closed the connection'));
    this.deps.logger.warn({ server: this.server.id, reason: this.#lastError }, 'the MCP server went away: starting it again');
    if (performance.now() - this.#connectedAt >= STABLE_MS) this.#failures = 0;
    this.#scheduleRestart();
  }

  #discard(client: Client): void {
    if (this.#client === client) this.#client = undefined;
    client.onclose = ignoreClose;
    void client.close().catch(() => undefined);
  }

  #scheduleRestart(): void {
    if (this.#closed) return;
    const backoff = this.deps.backoff ?? DEFAULT_BACKOFF;
    this.#failures += 1;
    const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (this.#failures - 1));
    this.#nextAttemptAt = performance.now() + delay;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#restarts += 1;
      void this.#attemptNow().catch(() => undefined);
    }, delay);
    this.#timer.unref();
  }

  /** The error, with the server's last stderr lines when it is a child that said something. */
  #describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const said = this.#stderr.trim();
    return said === '' ? message : `${message} (the server's stderr ended with: ${said.split('\n').slice(-5).join(' | ')})`;
  }
}

/** For a client we close ourselves: its end is not a crash. */
function ignoreClose(): void {}

/** The server forgot (or never had) our session: it refused the request before running it. */
function isSessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && (error.code === 404 || error.code === 400);
}
