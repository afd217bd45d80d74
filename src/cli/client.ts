/**
 * How the CLI reaches a Vextir server: the URL and a bearer token. The token is `--token`,
 * else VEXTIR_TOKEN, else (talking to a local server) a dev token minted from the data folder's
 * secret for `--user` / VEXTIR_USER / the OS user, since whoever can read that folder runs it.
 */
import { userInfo } from 'node:os';
import type { Config } from '../config.js';
import { loadOrCreateDevSecret, signDevToken } from '../security/index.js';
import { CliError } from './cli-error.js';

export interface ClientOptions {
  url?: string | undefined;
  token?: string | undefined;
  user?: string | undefined;
}

export interface Client {
  baseUrl: string;
  request(method: string, path: string, init?: { body?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  json<T>(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<T>;
}

export async function createClient(config: Config, options: ClientOptions): Promise<Client> {
  const baseUrl = (options.url ?? config.cli.url ?? `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`).replace(/\/$/, '');
  const token = options.token ?? config.cli.token ?? (await localDevToken(config, options.user));
  const request: Client['request'] = async (method, path, init = {}) => {
    try {
      return await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new CliError(`cannot reach ${baseUrl} (${(error as Error).cause ?? (error as Error).message}); is \`vextir start\` running?`);
    }
  };
  return {
    baseUrl,
    request,
    async json<T>(method: string, path: string, init = {}) {
      const response = await request(method, path, init);
      await failOnProblem(response);
      return (await response.json()) as T;
    },
  };
}

async function localDevToken(config: Config, user: string | undefined): Promise<string> {
  const userId = user ?? config.cli.user ?? userInfo().username;
  return signDevToken(loadOrCreateDevSecret(config.dataDir), userId, { expiresIn: '1h' });
}

/** Turn a non-2xx answer (RFC 9457 problem+json where the server sent one) into a CliError. */
export async function failOnProblem(response: Response): Promise<void> {
  if (response.ok) return;
  const text = await response.text();
  let problem: { title?: string; detail?: string; errors?: Array<{ pointer?: string; field?: string; reason?: string }> } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    problem = { detail: text };
  }
  const details = (problem.errors ?? []).map((error) => `  ${error.pointer ?? error.field ?? ''}: ${error.reason ?? ''}`);
  throw new CliError(`${response.status} ${problem.title ?? response.statusText}${problem.detail ? `: ${problem.detail}` : ''}`, 1, details);
}
