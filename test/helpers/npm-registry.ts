/**
 * A small npm registry on loopback, speaking what pacote and `npm search` ask of one: the
 * packument (`GET /<name>`, scoped names `%2f`-encoded or not) with each version's
 * `dist.tarball` and `dist.integrity` (SHA-512 SRI), the tarballs, and `GET /-/v1/search`.
 * Tarballs are built from fixture folders with tar (a `package/` prefix, as npm packs them).
 * `tamper(name, version)` serves a tarball one byte off from its published integrity.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create as createTar } from 'tar';

interface Published {
  name: string;
  version: string;
  description: string;
  keywords: string[];
  tarball: Buffer;
  integrity: string;
  tampered: boolean;
}

export interface TestRegistry {
  url: string;
  publish(folder: string, manifest: { name: string; version: string; description?: string; keywords?: string[] }): Promise<{ integrity: string }>;
  tamper(name: string, version: string): void;
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

export async function packFolder(folder: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: folder, prefix: 'package/', portable: true }, readdirSync(folder))) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const packages = new Map<string, Published[]>();
  const requests: string[] = [];
  let base = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    requests.push(`${request.method ?? ''} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    if (url.pathname === '/-/v1/search') {
      const words = (url.searchParams.get('text') ?? '').split(/\s+/).filter(Boolean);
      const keyword = words.find((word) => word.startsWith('keywords:'))?.slice('keywords:'.length);
      const text = words.filter((word) => !word.startsWith('keywords:')).join(' ').toLowerCase();
      const objects = [...packages.values()]
        .map((versions) => versions.at(-1)!)
        .filter((pkg) => (keyword === undefined || pkg.keywords.includes(keyword)) && (`${pkg.name} ${pkg.description}`.toLowerCase().includes(text)))
        .map((pkg) => ({ package: { name: pkg.name, version: pkg.version, description: pkg.description, keywords: pkg.keywords } }));
      return send(200, { objects, total: objects.length });
    }
    const tarball = /^\/(.+)\/-\/[^/]+-(\d+\.\d+\.\d+[^/]*)\.tgz$/.exec(url.pathname);
    if (tarball) {
      const pkg = packages.get(decodeURIComponent(tarball[1] ?? ''))?.find((each) => each.version === tarball[2]);
      if (pkg === undefined) return send(404, { error: 'not found' });
      const body = Buffer.from(pkg.tarball);
      if (pkg.tampered) body[body.length - 20] = (body[body.length - 20] ?? 0) ^ 0xff;
      return send(200, body, 'application/octet-stream');
    }
    const versions = packages.get(decodeURIComponent(url.pathname.slice(1)));
    if (versions === undefined) return send(404, { error: 'not found' });
    const name = versions[0]!.name;
    send(200, {
      name,
      'dist-tags': { latest: versions.at(-1)!.version },
      versions: Object.fromEntries(versions.map((pkg) => [pkg.version, { name, version: pkg.version, description: pkg.description, dist: { tarball: `${base}/${name}/-/${name.split('/').pop() ?? name}-${pkg.version}.tgz`, integrity: pkg.integrity } }])),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    requests,
    async publish(folder, manifest) {
      const tarball = await packFolder(folder);
      const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
      const versions = packages.get(manifest.name) ?? [];
      versions.push({ name: manifest.name, version: manifest.version, description: manifest.description ?? '', keywords: manifest.keywords ?? ['vextir-pack'], tarball, integrity, tampered: false });
      packages.set(manifest.name, versions);
      return { integrity };
    },
    tamper(name, version) {
      const pkg = packages.get(name)?.find((each) => each.version === version);
      if (pkg === undefined) throw new Error(`${name}@${version} is not published`);
      pkg.tampered = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
