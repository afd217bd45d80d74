/** Opens the SQLite adapters on a database file in a fresh temporary folder, removed on close. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalStorage, type LocalStorage, type LocalStorageOptions } from '../../src/adapters/local/index.js';
import { TestClock } from '../helpers/kernel-fixture.js';

export interface TempStorage extends LocalStorage {
  file: string;
  clock: TestClock;
  /** Open the same file again (after `close`), e.g. to show that data survives. */
  reopen(options?: Partial<LocalStorageOptions>): LocalStorage;
  /** Close and delete the folder. */
  dispose(): void;
}

export function openTempStorage(options: Partial<LocalStorageOptions> & { clock?: TestClock } = {}): TempStorage {
  const dir = mkdtempSync(join(tmpdir(), 'vextir-sqlite-'));
  const file = join(dir, 'vextir.db');
  const clock = options.clock ?? new TestClock();
  const opened: LocalStorage[] = [];
  const open = (more: Partial<LocalStorageOptions> = {}): LocalStorage => {
    const storage = openLocalStorage({ ...options, ...more, file, clock });
    opened.push(storage);
    return storage;
  };
  const storage = open();
  return {
    ...storage,
    file,
    clock,
    reopen: open,
    dispose: () => {
      for (const each of opened) each.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
