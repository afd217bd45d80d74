/** The sandbox's small rules on their own: host matching, internal addresses, heap sizes, bounded lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { hostAllowed, isInternalAddress, NODE_CUTS_NETWORK, PERMISSION_FLAG } from '../../../src/packs/sandbox/index.js';
import { LineReader } from '../../../src/packs/sandbox/line-reader.js';
import { heapMegabytes, nodeArgs } from '../../../src/packs/sandbox/node-flags.js';
import { packPermissionsSchema } from '../../../src/packs/manifest.js';

describe('hostAllowed', () => {
  const hosts = ['api.example.com', '*.cdn.example.com'];
  it('matches exact names (any case, a trailing dot) and subdomains of a wildcard, not its own name', () => {
    assert.equal(hostAllowed('api.example.com', hosts), true);
    assert.equal(hostAllowed('API.Example.com.', hosts), true);
    assert.equal(hostAllowed('img.cdn.example.com', hosts), true);
    assert.equal(hostAllowed('a.b.cdn.example.com', hosts), true);
    assert.equal(hostAllowed('cdn.example.com', hosts), false);
    assert.equal(hostAllowed('evilcdn.example.com', hosts), false);
    assert.equal(hostAllowed('api.example.com.evil.test', hosts), false);
    assert.equal(hostAllowed('example.com', hosts), false);
    assert.equal(hostAllowed('api.example.com', []), false);
  });
});

describe('isInternalAddress', () => {
  it('refuses loopback, private, link-local (the metadata service), CGNAT and IPv4-mapped forms; allows public addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) {
      assert.equal(isInternalAddress(address), true, address);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isInternalAddress(address), false, address);
  });
});

describe("the pack process's command line", () => {
  it('uses the permission flag this Node has, and grants only what the manifest declares', () => {
    const [major] = process.versions.node.split('.').map(Number);
    assert.equal(PERMISSION_FLAG, major! >= 22 ? '--permission' : '--experimental-permission');
    assert.equal(NODE_CUTS_NETWORK, major! >= 25);
    const closed = nodeArgs({ root: '/packs/p', entryDir: '/app/child', entry: '/app/child/entry.mjs', runtime: packPermissionsSchema.parse({}).runtime });
    assert.deepEqual(closed, [PERMISSION_FLAG, '--disable-warning=ExperimentalWarning', '--allow-fs-read=/app/child', '--allow-fs-read=/packs/p', '/app/child/entry.mjs']);
    const runtime = packPermissionsSchema.parse({ runtime: { childProcesses: true, workers: true, files: { read: ['data'], write: ['cache', 'out/log.txt'] } } }).runtime;
    const open = nodeArgs({ root: '/packs/p', entryDir: '/app/child', entry: '/app/child/entry.mjs', runtime, heapMb: 256 });
    assert.deepEqual(open.slice(4), ['--allow-fs-read=/packs/p/data', '--allow-fs-write=/packs/p/cache', '--allow-fs-write=/packs/p/out/log.txt', '--allow-child-process', '--allow-worker', '--max-old-space-size=256', '/app/child/entry.mjs']);
  });

  it('reads heap sizes as the manifest writes them', () => {
    assert.equal(heapMegabytes('256MB'), 256);
    assert.equal(heapMegabytes('2GB'), 2048);
    assert.equal(heapMegabytes('512KB'), 1);
    assert.throws(() => heapMegabytes('lots'), /must look like "256MB"/);
  });
});

describe('LineReader', () => {
  it('splits lines across chunks and stops at the first line over the bound', () => {
    const lines: string[] = [];
    const overflows: number[] = [];
    const reader = new LineReader(10, (line) => lines.push(line), (chars) => overflows.push(chars));
    reader.push('ab');
    reader.push('c\nde\n\nf');
    reader.push('g\n');
    assert.deepEqual(lines, ['abc', 'de', 'fg']);
    reader.push('0123456789ABC');
    assert.deepEqual(overflows, [13], 'reported before any newline arrived');
    reader.push('\nlater\n');
    assert.deepEqual(lines, ['abc', 'de', 'fg'], 'nothing is read after an overflow');
  });
});
