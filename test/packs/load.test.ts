/** Reading a pack folder: the manifest validated naming the field, the Vextir range, package.json agreeing, and the fit checks naming the item. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, it } from 'vitest';
import { isKernelError } from '../../src/kernel/index.js';
import { checkPackFits, folderIntegrity, loadPack, parseSource, patternWithin } from '../../src/packs/index.js';

const NOTES = resolve('test/fixtures/packs/notes-1.0.0');
const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function copy(edit: (manifest: string) => string): string {
  const folder = mkdtempSync(join(tmpdir(), 'vextir-pack-'));
  folders.push(folder);
  cpSync(NOTES, folder, { recursive: true });
  writeFileSync(join(folder, 'vextir-pack.yaml'), edit(readFileSync(join(folder, 'vextir-pack.yaml'), 'utf8')));
  return folder;
}

async function refusal(promise: Promise<unknown>): Promise<{ message: string; errors: unknown }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isKernelError(error, 'invalid_input'), String(error));
    return { message: error.message, errors: error.details?.['errors'] };
  }
  throw new Error('expected a refusal');
}

describe('loading a pack', () => {
  it('reads the manifest and the documents its contents name', async () => {
    const pack = await loadPack(NOTES, '0.1.0');
    assert.equal(pack.manifest.name, 'notes');
    assert.deepEqual(pack.documents.agents.map((doc) => doc.file), ['summarizer.yaml']);
    assert.equal((pack.documents.instructions[0]?.value as { id: string }).id, 'notes_file');
    assert.doesNotThrow(() => checkPackFits(pack, []));
  });

  it('names the bad field of the manifest', async () => {
    const bad = await refusal(loadPack(copy((text) => text.replace('name: notes', 'name: Notes!').replace('author: Vextir OS tests', 'author: Vextir OS tests\nicon: x')), '0.1.0'));
    assert.deepEqual(bad.errors, [
      { pointer: '/name', reason: 'must be lower-case letters, digits and "-", starting with a letter (at most 64)' },
      { pointer: '/icon', reason: 'is not a field of the pack manifest' },
    ]);
    const host = await refusal(loadPack(copy((text) => text.replace('models: [gpt-4o-mini]', 'models: [gpt-4o-mini]\n  network: { hosts: ["not a host"] }')), '0.1.0'));
    assert.match(host.message, /\/permissions\/network\/hosts\/0 must be a host name/);
  });

  it('refuses a Vextir version it does not work with, and a package.json that disagrees', async () => {
    assert.match((await refusal(loadPack(copy((text) => text.replace('vextir: ">=0.1.0"', 'vextir: ">=2.0.0"')), '0.1.0'))).message, /works with Vextir OS >=2\.0\.0; this is 0\.1\.0/);
    assert.match((await refusal(loadPack(copy((text) => text.replace('version: 1.0.0', 'version: 1.0.1')), '0.1.0'))).message, /package\.json says 1\.0\.0/);
    assert.match((await refusal(loadPack(copy((text) => text.replace('[file-note.yaml]', '[missing.yaml]')), '0.1.0'))).message, /contents\.instructions\[0\] names missing\.yaml/);
  });

  it('refuses what does not fit the permissions or takes a name outside the pack, naming the item', async () => {
    const pack = await loadPack(copy((text) => text.replace('emits: [context.write, ', 'emits: [')), '0.1.0');
    const problems = (() => {
      try {
        checkPackFits(pack, [{ id: 'weather', capabilities: ['notes.add'] }, { id: 'notes-reader', capabilities: ['notes.*'] }]);
      } catch (error) {
        return (error as { details: { errors: Array<{ field: string; reason: string }> } }).details.errors;
      }
      return [];
    })();
    assert.deepEqual(problems, [
      { field: 'contents.drivers[0] (driver "weather")', reason: 'its id must be "notes" or start with "notes-" or "notes_"' },
      { field: 'contents.drivers[1] (driver "notes-reader")', reason: 'handles notes.*, which permissions.events.receives does not include' },
      { field: 'file-note.yaml (instruction "notes_file")', reason: 'step 0 emits context.write, which permissions.events.emits does not include' },
    ]);
  });

  it('patterns fit inside patterns', () => {
    assert.ok(patternWithin('weather.get', 'weather.*'));
    assert.ok(patternWithin('weather.alert.*', 'weather.*'));
    assert.ok(!patternWithin('weather.*', 'weather.get'));
    assert.ok(!patternWithin('*', 'weather.*'));
    assert.ok(patternWithin('anything.at.all', '*'));
  });

  it('tells folders from npm specs, and refuses anything else', () => {
    assert.deepEqual(parseSource('@acme/triage@^2.1.0'), { kind: 'npm', spec: '@acme/triage@^2.1.0', name: '@acme/triage', range: '^2.1.0' });
    assert.deepEqual(parseSource('weather', '1.2.0'), { kind: 'npm', spec: 'weather@1.2.0', name: 'weather', range: '1.2.0' });
    assert.equal(parseSource('./packs/weather').kind, 'folder');
    assert.throws(() => parseSource('git+https://example.com/x.git'), /neither a folder/);
    assert.throws(() => parseSource('weather', 'not a range!'), /not a version, a range/);
  });

  it('a folder has one integrity for its files', async () => {
    const first = await folderIntegrity(NOTES);
    assert.match(first, /^sha512-/);
    assert.equal(await folderIntegrity(copy((text) => text)), first);
    assert.notEqual(await folderIntegrity(copy((text) => `${text}\n`)), first);
  });
});
