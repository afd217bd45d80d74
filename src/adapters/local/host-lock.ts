/**
 * One embedded host per data folder: the SQLite queue's leases assume a single consumer
 * process, and at start-up the host reclaims every lease a dead predecessor left behind.
 * The lock file holds the owner's pid; a lock whose pid is gone is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KernelError } from '../../kernel/index.js';

export interface HostLock {
  release(): void;
}

export function acquireHostLock(dataDir: string): HostLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'host.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new KernelError('conflict', `another Vextir host (pid ${owner}) is already running on ${dataDir}; stop it or use another VEXTIR_DATA_DIR`);
      }
      rmSync(file, { force: true }); // stale: its owner died without releasing it
    }
  }
  throw new KernelError('conflict', `could not take the host lock in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
