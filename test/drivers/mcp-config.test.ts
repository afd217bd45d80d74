/** The `mcp_servers` entries: names tools get in the registry, and `${SETTING}` references. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { mcpServersSchema, registryName, resolveServer } from '../../src/drivers/mcp/index.js';
import { TOOL_NAME } from '../../src/registries/tools/index.js';

describe('tool names', () => {
  it('are <server>_<tool> with what providers refuse replaced, and stay distinct when cut to 64', () => {
    assert.equal(registryName('github', 'create_issue'), 'github_create_issue');
    assert.equal(registryName('files', 'read.file/v2'), 'files_read_file_v2');
    const long = 'a_tool_with_a_name_far_longer_than_any_provider_accepts_as_a_function_name';
    const one = registryName('srv', `${long}_one`);
    const two = registryName('srv', `${long}_two`);
    assert.ok(TOOL_NAME.test(one) && TOOL_NAME.test(two), `${one} ${two}`);
    assert.notEqual(one, two);
  });
});

describe('settings in server entries', () => {
  const settings: Record<string, string> = { GITHUB_TOKEN: 'ghp-secret', API_KEY: 'k-1' };
  const setting = (name: string) => settings[name];

  it('fills headers, environment and URL from settings', () => {
    const [http, stdio] = mcpServersSchema.parse([
      { id: 'github', transport: 'http', url: 'https://example.org/mcp?key=${API_KEY}', headers: { Authorization: 'Bearer ${GITHUB_TOKEN}' } },
      { id: 'local', transport: 'stdio', command: 'server', env: { TOKEN: '${GITHUB_TOKEN}' }, cwd: 'servers' },
    ]);
    const resolvedHttp = resolveServer(http!, '/project', setting);
    assert.equal(resolvedHttp.transport === 'http' && resolvedHttp.headers['Authorization'], 'Bearer ghp-secret');
    assert.equal(resolvedHttp.transport === 'http' && resolvedHttp.url.searchParams.get('key'), 'k-1');
    const resolvedStdio = resolveServer(stdio!, '/project', setting);
    assert.equal(resolvedStdio.transport === 'stdio' && resolvedStdio.env['TOKEN'], 'ghp-secret');
    assert.equal(resolvedStdio.transport === 'stdio' && resolvedStdio.cwd, '/project/servers');
  });

  it('refuses a reference that is not a setting name, and a setting that is not set', () => {
    const [entry] = mcpServersSchema.parse([{ id: 'gh', transport: 'http', url: 'https://example.org/mcp', headers: { Authorization: 'Bearer ${data.token}' } }]);
    assert.throws(() => resolveServer(entry!, '/project', setting), /mcp_servers "gh" headers\.Authorization: "\$\{data\.token\}" is not a setting name/);
    const [missing] = mcpServersSchema.parse([{ id: 'gh', transport: 'stdio', command: 'x', env: { T: '${NOT_SET}' } }]);
    assert.throws(() => resolveServer(missing!, '/project', setting), /mcp_servers "gh" env\.T needs the setting NOT_SET, which is not set/);
  });

  it('refuses two servers with one id', () => {
    const result = mcpServersSchema.safeParse([{ id: 'a', transport: 'stdio', command: 'x' }, { id: 'a', transport: 'stdio', command: 'y' }]);
    assert.equal(result.success, false);
    assert.match(JSON.stringify(result.error?.issues), /a second server named \\"a\\"/);
  });
});
