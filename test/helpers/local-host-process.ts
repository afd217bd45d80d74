/** Starts the real local host (`vextir start`) as a child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { vextirEntry } from './vextir-entry.js';

export interface HostProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** `nodeArgs`: Node options before the entry, as a user's `node --max-old-space-size=... vextir start`. */
export async function startHostProcess(dataDir: string, port: number, env: Record<string, string> = {}, nodeArgs: readonly string[] = []): Promise<HostProcess> {
  const child = spawn(process.execPath, [...nodeArgs, ...vextirEntry(), 'start'], {
    env: { ...process.env, VEXTIR_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(dataDir, `host-${child.pid}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the host exited with ${child.exitCode} during start-up; see ${dataDir}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return { url, child, exited };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the host did not answer /api/health within 30 s; see ${dataDir}`);
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * POSTs one event as a client of a host that may be killed at any moment: true when it was
 * accepted (202), false when it was refused or the host died with the request in flight (the
 * client then sends it again, with the same id).
 */
export async function sendEvent(host: HostProcess, token: string, event: { id: string; type: string; source: string }): Promise<boolean> {
  try {
    const response = await fetch(`${host.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', ...event, data: { id: event.id } }),
    });
    await response.arrayBuffer();
    return response.status === 202;
  } catch {
    return false;
  }
}

/**
 * Polls the events' records until every one is processed or `timeoutMs` passes; throws at once
 * when one failed. Returns the ids still not processed (none, when all went well).
 */
export async function pendingAfterProcessing(host: HostProcess, token: string, ids: Iterable<string>, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...ids];
  while (pending.length > 0 && Date.now() < deadline) {
    const statuses = await Promise.all(
      pending.map(async (id) => {
        const response = await fetch(`${host.url}/api/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
        return { id, status: ((await response.json()) as { status: string }).status };
      }),
    );
    const failed = statuses.find(({ status }) => status === 'failed');
    if (failed) throw new Error(`event ${failed.id} failed`);
    pending = statuses.filter(({ status }) => status !== 'processed').map(({ id }) => id);
    if (pending.length > 0) await new Promise((done) => setTimeout(done, 200));
  }
  return pending;
}
