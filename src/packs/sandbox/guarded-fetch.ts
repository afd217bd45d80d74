/**
 * The host's default way to perform a pack's fetch: node:http(s) with a DNS lookup that refuses
 * names resolving to loopback, private, link-local or otherwise internal addresses. A pack that
 * may reach `api.example.com` must not reach the host's own network through it (a name whose
 * DNS answer is 127.0.0.1, or 169.254.169.254, the cloud's metadata service): the address is
 * checked at connection time, so a DNS answer cannot change between the check and the use.
 * A host declared as an IP literal is connected as declared (the grant names it).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { SandboxFetch } from './host-fetch.js';

const INTERNAL = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(network, prefix, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const internal = addresses.find((entry) => isInternalAddress(entry.address));
    if (internal) {
      const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${internal.address}, an internal address a pack may not reach`);
      refusal.code = 'EINTERNALADDRESS';
      return callback(refusal, []);
    }
    const first = addresses[0];
    if (options.all) return callback(null, addresses);
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

export const guardedFetch: SandboxFetch = (url, init) => {
  const target = new URL(url);
  return sendRequest(target.protocol === 'https:' ? https : http, target, { lookup: guardedLookup }, init);
};

/** One request over node:http(s), its answer as a web Response (the shape the sandbox's fetch returns). */
export function sendRequest(transport: typeof http | typeof https, target: URL, options: https.RequestOptions, init: Parameters<SandboxFetch>[1]): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(target, { method: init.method, headers: init.headers.flat(), signal: init.signal, ...options }, (response) => {
      const headers = new Headers();
      const raw = response.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      const status = response.statusCode ?? 502;
      const empty = [204, 205, 304].includes(status) || init.method === 'HEAD';
      if (empty) response.resume();
      const body = empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, statusText: response.statusMessage ?? '', headers }));
    });
    request.on('error', reject);
    request.end(init.body);
  });
}
