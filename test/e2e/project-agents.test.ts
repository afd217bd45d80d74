/**
 * The project file's `agents:` list: agents a deployment adds for every user, written as YAML
 * beside the driver modules. A bad entry stops the start with a message naming the file, the
 * entry and the field, and leaves the data folder free for the next start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startLocal } from '../../src/hosts/embedded/index.js';
import { silentLogger } from '../helpers/kernel-fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vextir-project-agents-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const PROJECT = `
drivers: []
agents:
  - id: standup
    name: Standup writer
    capabilities: [standup.prepare]
    tools: [context_query, context_read, context_write]
    system_prompt: |
      Prepare the user's standup from /Tasks and /Projects; write it to /Standups.
`;

function start(projectFile: string) {
  return startLocal(loadConfig({ VEXTIR_DATA_DIR: dataDir, VEXTIR_CONFIG: projectFile, PORT: '0' }), silentLogger);
}

describe('agents in vextir.config.yaml', () => {
  it('refuses to start on a bad agent, naming the file, the entry and the field', async () => {
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, PROJECT.replace('context_write]', 'context_write, send_mail]'));
    await assert.rejects(start(bad), /bad\.yaml: agents\[0\] is invalid: \/agents\/0\/tools\/3 "send_mail" matches no native tool/);
  });

  it('offers a valid project agent to every user, beside the built-ins', async () => {
    const good = join(dataDir, 'vextir.config.yaml');
    writeFileSync(good, PROJECT);
    const host = await start(good);
    try {
      const listed = await host.system.agents.list('anyone');
      assert.deepEqual(listed.map((entry) => `${entry.source}:${entry.definition.id}`), ['project:standup', 'builtin:chat', 'builtin:research_agent', 'builtin:email_assistant']);
      assert.equal(listed[0]?.definition.max_steps, 8);
      assert.deepEqual(host.system.tools.list().map((tool) => tool.name), ['context_read', 'context_write', 'context_query', 'context_search', 'emit_event']);
    } finally {
      await host.stop();
    }
  });
});
