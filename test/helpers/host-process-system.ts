/**
 * `vextir start` as a user runs it (a child process: its HTTP thread and processor threads, pack
 * sandboxes started from those threads), with the user's side of it over HTTP (system-client.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startHostProcess, type HostProcess } from './local-host-process.js';
import { systemClient, type SystemClient } from './system-client.js';

export interface HostProcessSystem extends SystemClient {
  process: HostProcess;
  url: string;
  dataDir: string;
  /** SIGTERM, then waits for the host to end; removes the data folder. */
  stop(): Promise<void>;
}

/** `project`: the project file's content (mailboxes, notification channels, ...); `nodeArgs`: Node options for the host. */
export async function startHostProcessSystem(env: Record<string, string> = {}, project: Record<string, unknown> = {}, nodeArgs: readonly string[] = []): Promise<HostProcessSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vextir-host-'));
  const configFile = join(dataDir, 'vextir.config.json');
  writeFileSync(configFile, JSON.stringify({ drivers: [], ...project }));
  const process = await startHostProcess(dataDir, await freePort(), { VEXTIR_CONFIG: configFile, VEXTIR_RETRY_BASE_MS: '20', VEXTIR_POLICY_CACHE_MS: '0', ...env }, nodeArgs);
  return {
    process,
    url: process.url,
    dataDir,
    ...systemClient(process.url, dataDir),
    async stop() {
      if (process.child.exitCode === null) process.child.kill('SIGTERM');
      await process.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
