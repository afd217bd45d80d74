/**
 * Copying the operator's dashboard as the README says, with the CLI as a user runs it against the
 * embedded host: `vextir apps get system` prints the document as shipped; put back unchanged it
 * is refused (its id and path are the built-in's); with its own id and path it is saved and
 * served at the new path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_APP_YAML } from '../../src/ui/index.js';
import { runVextir } from '../helpers/cli.js';
import { startTestSystem, type TestSystem } from '../helpers/local-system.js';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

describe('copying the system dashboard with the CLI', () => {
  it('gets it, is refused its id and path, and saves a copy under /ops', async () => {
    const cli = { url: system.url, dataDir: system.dataDir, user: 'alice' };
    const got = await runVextir(['apps', 'get', 'system'], cli);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe(SYSTEM_APP_YAML);
    const file = join(system.dataDir, 'ops.yaml');
    writeFileSync(file, got.stdout);
    const refused = await runVextir(['apps', 'put', file], cli);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/\/id .*system/);
    expect(refused.stderr).toMatch(/\/path .*\/system/);
    writeFileSync(file, got.stdout.replace('id: system', 'id: ops').replace('path: /system', 'path: /ops'));
    const saved = await runVextir(['apps', 'put', file], cli);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toBe(`created app ops: ${system.url}/apps/ops\n`);
    expect((await runVextir(['apps', 'ls'], cli)).stdout).toContain('/apps/ops');
    const removed = await runVextir(['apps', 'rm', 'system'], cli);
    expect(removed.code).not.toBe(0);
    expect(removed.stderr).toContain('built-in');
  });
});
