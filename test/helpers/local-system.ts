/**
 * The real embedded system in this process (`startLocal`: SQLite, HTTP on a free port, worker
 * in this thread by default, or processor threads),
 * with helpers to call it over HTTP as users do: tokens per user, emit, wait for an event to
 * settle, plain requests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal, type RunningLocalHost } from '../../src/hosts/embedded/index.js';
import type { Clock } from '../../src/kernel/index.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_ADMIN_ROLE, loadOrCreateDevSecret, signDevToken, type Policy } from '../../src/security/index.js';
import { silentLogger } from './kernel-fixture.js';

export interface TestSystemOptions {
  /** Driver modules (absolute paths) with their options, as in vextir.config.yaml. */
  drivers?: Array<{ module: string; options?: Record<string, unknown> }>;
  /** The project file's `agents:` entries. */
  agents?: Array<Record<string, unknown>>;
  /** The global policy set (VEXTIR_POLICY_FILE); default: the built-in defaults. */
  globalPolicies?: readonly Policy[] | readonly Record<string, unknown>[];
  env?: Record<string, string>;
  /** More of the project file besides `drivers` (e.g. `models:`). */
  project?: Record<string, unknown>;
  /** The host's clock (default: the system clock): a TestClock lets a test move time on. */
  clock?: Clock;
  /** Start on this data folder (a restart of a host stopped before); stop() then keeps it. Default: a new one. */
  dataDir?: string;
}

export interface RecordBody {
  id: string;
  type: string;
  status: string;
  children: string[];
  drivers: Array<{ driver: string; status: string; error?: { code: string; message: string } }>;
  decision?: Record<string, unknown> & { allowed: boolean; authorizer: string; reason: string };
  event: { type: string; data: unknown };
  error?: { code: string; message: string };
}

export interface TestSystem {
  host: RunningLocalHost;
  url: string;
  dataDir: string;
  token(user: string, options?: { admin?: boolean }): Promise<string>;
  request(user: string | undefined, method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; admin?: boolean }): Promise<Response>;
  emit(user: string, type: string, data?: unknown, extra?: Record<string, unknown>): Promise<string>;
  /** Polls until the event leaves `accepted` (or the predicate holds). */
  settled(user: string, id: string, done?: (record: RecordBody) => boolean): Promise<RecordBody>;
  stop(): Promise<void>;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'vextir-system-'));
  const configFile = join(dataDir, 'vextir.config.json');
  writeFileSync(configFile, JSON.stringify({ ...options.project, drivers: options.drivers ?? [], ...(options.agents !== undefined && { agents: options.agents }) }));
  // In this thread unless a test asks for processor threads (VEXTIR_PROCESSOR_THREADS): tests
  // that read a driver's state in this process, or move a TestClock, need it here.
  const env: Record<string, string> = { VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: configFile, PORT: '0', VEXTIR_RETRY_BASE_MS: '20', VEXTIR_POLICY_CACHE_MS: '0', VEXTIR_PROCESSOR_THREADS: '0', ...options.env };
  if (options.globalPolicies !== undefined) {
    env['VEXTIR_POLICY_FILE'] = join(dataDir, 'global-policies.json');
    writeFileSync(env['VEXTIR_POLICY_FILE'], JSON.stringify({ policies: options.globalPolicies }));
  }
  const host = await startLocal(loadConfig(env), silentLogger, options.clock);
  const secret = loadOrCreateDevSecret(dataDir);
  const token = (user: string, opts: { admin?: boolean } = {}) => signDevToken(secret, user, { roles: opts.admin ? [DEFAULT_ADMIN_ROLE] : [] });
  const request: TestSystem['request'] = async (user, method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (user !== undefined) headers['authorization'] = `Bearer ${await token(user, { admin: init.admin ?? false })}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  };
  const system: TestSystem = {
    host,
    url: host.url,
    dataDir,
    token,
    request,
    async emit(user, type, data, extra = {}) {
      const response = await request(user, 'POST', '/api/events', { body: { type, ...(data !== undefined && { data }), ...extra } });
      const body = (await response.json()) as { ids?: string[]; detail?: string };
      if (response.status !== 202 || !body.ids?.[0]) throw new Error(`emit ${type} answered ${response.status}: ${JSON.stringify(body)}`);
      return body.ids[0];
    },
    async settled(user, id, done = (record) => record.status !== 'accepted') {
      for (let i = 0; i < 400; i += 1) {
        const response = await request(user, 'GET', `/api/events/${encodeURIComponent(id)}`);
        if (response.status === 200) {
          const record = (await response.json()) as RecordBody;
          if (done(record)) return record;
        } else {
          await response.arrayBuffer();
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`event ${id} of ${user} did not settle in time`);
    },
    async stop() {
      await host.stop();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return system;
}
