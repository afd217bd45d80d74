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
import type { Policy } from '../../src/security/index.js';
import { silentLogger } from './kernel-fixture.js';
import { systemClient, type SystemClient } from './system-client.js';

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

export type { RecordBody } from './system-client.js';

export interface TestSystem extends SystemClient {
  host: RunningLocalHost;
  url: string;
  dataDir: string;
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
  const system: TestSystem = {
    host,
    url: host.url,
    dataDir,
    ...systemClient(host.url, dataDir),
    async stop() {
      await host.stop();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return system;
}
