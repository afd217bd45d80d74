/**
 * The repository's examples as skill packs: each folder under examples/packs has a manifest that
 * validates, a package.json npm can publish (the `vextir-pack` keyword, every file the manifest
 * names in `files`), driver modules that load on their own (no import leaves the folder: in a
 * sandbox only the pack's folder is readable) and fit what the manifest lets them receive, and
 * documents that parse in their formats.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import { parse } from 'yaml';
import { driverManifestSchema, matchesType } from '../../src/kernel/index.js';
import { PACK_MANIFEST_FILE, packManifestSchema, type PackManifest } from '../../src/packs/index.js';
import { parseAgentDocument } from '../../src/registries/agents/index.js';
import { instructionSchema } from '../../src/plans/index.js';
import { parseUiApplication } from '../../src/ui/index.js';

const ROOT = resolve('examples/packs');
const PACKS = ['weather', 'standup', 'github-triage'];

function manifestOf(pack: string): PackManifest {
  return packManifestSchema.parse(parse(readFileSync(join(ROOT, pack, PACK_MANIFEST_FILE), 'utf8')));
}

const contentFiles = (manifest: PackManifest): string[] => [
  ...manifest.contents.drivers.map((driver) => driver.module),
  ...manifest.contents.agents,
  ...manifest.contents.instructions,
  ...manifest.contents.apps,
  ...manifest.contents.policies,
  ...manifest.contents.mcp_servers,
];

describe.each(PACKS)('the %s example pack', (pack) => {
  const folder = join(ROOT, pack);

  it('has a manifest that validates, named as its folder', () => {
    const manifest = manifestOf(pack);
    assert.equal(manifest.name, pack);
    for (const file of contentFiles(manifest)) assert.ok(existsSync(join(folder, file)), `${file} exists`);
  });

  it('has a package.json that publishes the pack', () => {
    const manifest = manifestOf(pack);
    const json = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string; version: string; keywords: string[]; files: string[] };
    assert.equal(json.version, manifest.version);
    assert.ok(json.keywords.includes('vextir-pack'));
    const published = new Set(json.files.map((file) => file.replace(/^\.\//, '')));
    for (const file of [PACK_MANIFEST_FILE, 'README.md', ...contentFiles(manifest).map((file) => file.replace(/^\.\//, ''))]) assert.ok(published.has(file), `files lists ${file}`);
    for (const file of published) assert.ok(existsSync(join(folder, file)), `${file} exists`);
    assert.ok(readFileSync(join(folder, 'README.md'), 'utf8').includes('## Permissions'), 'the README says what it may do');
  });

  it('imports nothing from outside its folder', () => {
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.js'))) {
      const text = readFileSync(join(folder, file), 'utf8');
      for (const [, specifier] of text.matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)) {
        if (specifier!.startsWith('node:')) continue;
        assert.ok(specifier!.startsWith('./'), `${file} imports ${specifier}`);
        assert.ok(!relative(folder, resolve(dirname(join(folder, file)), specifier!)).startsWith('..'), `${file} imports ${specifier}`);
      }
    }
  });

  it('has drivers that load with the manifest\'s options and handle only what it may receive', async () => {
    const manifest = manifestOf(pack);
    for (const entry of manifest.contents.drivers) {
      const module = (await import(pathToFileURL(join(folder, entry.module)).href)) as { default: (options: unknown) => { manifest: unknown; handle: unknown } };
      const driver = module.default(entry.options ?? {});
      const driverManifest = driverManifestSchema.parse(driver.manifest);
      assert.equal(typeof driver.handle, 'function');
      assert.ok(driverManifest.id === pack || driverManifest.id.startsWith(`${pack}-`) || driverManifest.id.startsWith(`${pack}_`), `${driverManifest.id} carries the pack's name`);
      for (const capability of driverManifest.capabilities) {
        assert.ok(manifest.permissions.events.receives.some((pattern) => matchesType(pattern, capability)), `${driverManifest.id} handles ${capability}`);
      }
    }
  });

  it('has agents, instructions and apps that parse in their formats, within its permissions', () => {
    const manifest = manifestOf(pack);
    const { receives, emits } = manifest.permissions.events;
    const may = (patterns: readonly string[], type: string) => patterns.some((pattern) => matchesType(pattern, type));
    for (const file of manifest.contents.agents) {
      const agent = parseAgentDocument(readFileSync(join(folder, file), 'utf8'), 'yaml');
      for (const trigger of agent.capabilities) assert.ok(may(receives, trigger), `${agent.id} starts on ${trigger}`);
      for (const type of [agent.emits?.response, agent.emits?.error]) assert.ok(type !== undefined && may(emits, type), `${agent.id} answers ${type}`);
      if (agent.model !== undefined) assert.ok(manifest.permissions.models.includes(agent.model), `${agent.id} uses ${agent.model}`);
    }
    for (const file of manifest.contents.instructions) {
      const instruction = instructionSchema.parse(parse(readFileSync(join(folder, file), 'utf8')));
      for (const step of instruction.plan) if (step.action === 'emit_event') assert.ok(may(emits, step.event.type), `${instruction.id} emits ${step.event.type}`);
    }
    for (const file of manifest.contents.apps) assert.ok(parseUiApplication(parse(readFileSync(join(folder, file), 'utf8'))).id);
  });
});
