/**
 * Tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT, no Azure Monitor) loads nothing of it: the embedded
 * host (its build when current: see vextir-entry.ts) is started in a child process with a resolve
 * hook that records every module Node loads, and one event is processed; neither src/tracing nor
 * any OpenTelemetry package is in the graph, and the core has no tracing. The same start with the
 * endpoint set loads them (the control).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runnable } from '../helpers/vextir-entry.js';

mkdirSync('.tmp', { recursive: true });
const dir = resolve(mkdtempSync(join('.tmp', 'tracing-off-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const href = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);

/** Starts the embedded host with `env`, processes one demo.ping, stops; returns the modules loaded and whether the core had tracing. */
function startAndProcess(name: string, env: Record<string, string>): { loaded: string[]; tracing: boolean; status: string } {
  const log = join(dir, `${name}.txt`);
  const configModule = runnable('src/config.ts');
  const embeddedModule = runnable('src/hosts/embedded/index.ts');
  const script = [
    "import { register } from 'node:module';",
    `register(${href('test/helpers/record-resolutions.mjs')}, { data: { log: ${JSON.stringify(log)} } });`,
    `const { loadConfig } = await import(${href(configModule.module)});`,
    `const { startLocal } = await import(${href(embeddedModule.module)});`,
    "const { default: pino } = await import('pino');",
    `const env = { VEXTIR_DATA_DIR: ${JSON.stringify(join(dir, name))}, VEXTIR_CONFIG: 'none.yaml', PORT: '0', ...${JSON.stringify(env)} };`,
    "const host = await startLocal(loadConfig(env), pino({ level: 'silent' }));",
    "const event = { specversion: '1.0', id: 'p1', type: 'demo.ping', source: '/test', time: new Date().toISOString(), userid: 'ana', category: 'input', correlationid: 'p1', depth: 0 };",
    'const outcome = await host.system.processor.process(event, { deliveryCount: 1 });',
    'await host.stop();',
    "console.log(JSON.stringify({ tracing: host.system.tracing !== undefined, status: outcome.record?.status ?? outcome.kind }));",
  ].join('\n');
  // The child gets no OTEL_* or Application Insights setting from this process's environment.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_') && !key.startsWith('APPLICATIONINSIGHTS_') && !key.startsWith('VEXTIR_')));
  const output = execFileSync(process.execPath, [...embeddedModule.nodeArgs, '--input-type=module', '-e', script], { env: inherited, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const result = JSON.parse(output.trim().split('\n').at(-1)!) as { tracing: boolean; status: string };
  return { loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), ...result };
}

const tracingModules = (loaded: readonly string[]) => loaded.filter((url) => /@opentelemetry|monitor-opentelemetry|\/src\/tracing\//.test(url));

describe('tracing off', () => {
  it('is off unless an exporter is configured, and OTEL_SDK_DISABLED wins', () => {
    assert.equal(loadConfig({}).tracing, undefined);
    assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).tracing, undefined, 'empty is unset (the Bicep writes empty values)');
    assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing, undefined);
    assert.equal(loadConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }).tracing, undefined, 'the embedded default never exports to Azure Monitor');
    assert.deepEqual(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b, x-tenant=t1' }).tracing, {
      serviceName: 'vextir-os',
      otlp: { endpoint: 'http://collector:4318', headers: { 'api-key': 'a b', 'x-tenant': 't1' } },
      azureMonitor: undefined,
    });
    assert.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_HEADERS: 'nonsense' }), /OTEL_EXPORTER_OTLP_HEADERS/);
  });

  it('loads no OpenTelemetry module and builds no tracing in the embedded host; the control with an endpoint does', () => {
    const off = startAndProcess('off', {});
    assert.equal(off.status, 'processed');
    assert.equal(off.tracing, false);
    assert.ok(off.loaded.some((url) => url.includes('/src/wiring/core.')), `the hook saw the graph (${off.loaded.length} modules)`);
    assert.deepEqual(tracingModules(off.loaded), []);

    // Nothing listens there: the export fails quietly at shutdown; what matters is what was loaded.
    const on = startAndProcess('on', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(on.status, 'processed');
    assert.equal(on.tracing, true);
    for (const expected of ['/src/tracing/index.', '@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http']) {
      assert.ok(tracingModules(on.loaded).some((url) => url.includes(expected)), `expected ${expected} once tracing is on`);
    }
    assert.ok(!on.loaded.some((url) => url.includes('monitor-opentelemetry')), 'the embedded host never loads the Azure Monitor exporter');
  }, 120_000);
});
