/**
 * VEXTIR_POLICY_FILE: the global policy set as code. A valid file is installed at start; an
 * invalid one stops the start with a message naming the policy, and leaves the data folder
 * free (no lock, database closed) for the next start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { startLocal } from '../../src/hosts/embedded/index.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vextir-policy-file-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function config(policyFile: string) {
  return loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: join(dataDir, 'none.yaml'), PORT: '0', VEXTIR_POLICY_FILE: policyFile });
}

describe('VEXTIR_POLICY_FILE', () => {
  it('refuses to start on an invalid policy file, naming the policy, and leaves the folder free', async () => {
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'policies:\n  - { id: broken, name: Broken, condition: "event.type ==", action: deny }\n');
    await assert.rejects(startLocal(config(bad), silentLogger), /broken/);

    const good = join(dataDir, 'good.yaml');
    writeFileSync(good, 'policies:\n  - { id: no-ops, name: No ops, condition: "event.type.startsWith(\'ops.\')", action: deny, priority: 1500 }\n');
    const host = await startLocal(config(good), silentLogger);
    try {
      const stored = await host.system.security.policies.read({ kind: 'global' });
      assert.deepEqual(stored.policies.map((policy) => policy.id), ['no-ops']);
    } finally {
      await host.stop();
    }
  });
});
