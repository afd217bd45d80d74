/**
 * How the CLI reaches a Vextir server: the URL and a bearer token. The token is `--token`,
 * else VEXTIR_TOKEN, else (talking to a local server) a dev token minted from the data folder's
 * secret for `--user` / VEXTIR_USER / the OS user, since whoever can read that folder runs it.
 */
import { userInfo } from 'node:os';
import type { Config } from '../config.js';
import { isKernelError } from '../kernel/index.js';
// The module, not src/security/index.ts: the folder's index also loads the policy engine, CEL and
// the PII detectors, which a command that talks HTTP never uses (a third of the CLI's start-up).
import { loadOrCreateDevSecret, signDevToken } from '../security/dev-tokens.js';
import { CliError } from './cli-error.js';

export interface ClientOptions {
  url?: string | undefined;
  token?: string | undefined;
  user?: string | undefined;
}

/** Who the CLI acts as when it mints its own dev token, and what chose them (printed where it helps). */
export interface CliUser {
  id: string;
  source: '--user' | 'VEXTIR_USER' | 'the OS user';
}

export interface Client {
  baseUrl: string;
  /** The user of the dev token the CLI minted; undefined when it sends a given token (--token, VEXTIR_TOKEN). */
  user: CliUser | undefined;
  request(method: string, path: string, init?: { body?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  json<T>(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<T>;
  /** failOnProblem, plus, for a 401, where this CLI's token came from and what to do about it. */
  failOnProblem(response: Response): Promise<void>;
}

/** `--user`, else VEXTIR_USER, else the operating-system user. */
export function cliUser(config: Config, flag: string | undefined): CliUser {
  if (flag !== undefined) return { id: flag, source: '--user' };
  if (config.cli.user !== undefined) return { id: config.cli.user, source: 'VEXTIR_USER' };
  let id: string;
  try {
    id = userInfo().username;
  } catch (error) {
    // A uid without a passwd entry (some containers) has no name.
    throw new CliError(`cannot tell which user you are (${(error as Error).message}); pass --user <id> or set VEXTIR_USER`, 2);
  }
  return { id, source: 'the OS user' };
}

export async function createClient(config: Config, options: ClientOptions): Promise<Client> {
  const baseUrl = (options.url ?? config.cli.url ?? `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`).replace(/\/$/, '');
  const given = options.token ?? config.cli.token;
  const user = given === undefined ? cliUser(config, options.user) : undefined;
  const token = given ?? (await localDevToken(config, user!));
  const unauthorized =
    user === undefined
      ? [`  the token from ${options.token === undefined ? 'VEXTIR_TOKEN' : '--token'} was refused`]
      : [
          `  the CLI signed a dev token for "${user.id}" (${user.source}) with the secret in ${config.dataDir};`,
          '  a server with another data folder refuses it: run the CLI in the folder where `vextir start` runs,',
          '  set VEXTIR_DATA_DIR to that folder, or pass --token <token>',
        ];
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
      throw new CliError(`cannot reach ${baseUrl} (${describeFetchFailure(error)}); is \`vextir start\` running?`);
    }
  };
  const check = (response: Response) => failOnProblem(response, response.status === 401 ? unauthorized : []);
  return {
    baseUrl,
    user,
    request,
    failOnProblem: check,
    async json<T>(method: string, path: string, init = {}) {
      const response = await request(method, path, init);
      await check(response);
      return (await response.json()) as T;
    },
  };
}

async function localDevToken(config: Config, user: CliUser): Promise<string> {
  try {
    return await signDevToken(loadOrCreateDevSecret(config.dataDir), user.id, { expiresIn: '1h' });
  } catch (error) {
    if (!isKernelError(error, 'invalid_input')) throw error;
    throw new CliError(`${error.message} (the CLI acts as ${user.source}); pass --user <id> or set VEXTIR_USER`, 2);
  }
}

/** Turn a non-2xx answer (RFC 9457 problem+json where the server sent one) into a CliError; `hints` are extra lines. */
export async function failOnProblem(response: Response, hints: readonly string[] = []): Promise<void> {
  if (response.ok) return;
  const text = await response.text();
  let problem: { title?: string; detail?: string; errors?: Array<{ pointer?: string; field?: string; step?: string; reason?: string }> } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    problem = { detail: text };
  }
  // An instruction's problems also name their step (`/plan/3/depends_on (step read): ...`).
  const details = (problem.errors ?? []).map((error) => `  ${error.pointer ?? error.field ?? ''}${error.step === undefined ? '' : ` (step ${error.step})`}: ${error.reason ?? ''}`);
  throw new CliError(`${response.status} ${problem.title ?? response.statusText}${problem.detail ? `: ${problem.detail}` : ''}`, 1, [...details, ...hints]);
}

/** fetch() fails with "fetch failed" and the reason (ECONNREFUSED, a DNS error) in `cause`. */
function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}
