/**
 * The operator's pins of declared hosts to addresses (`VEXTIR_PACK_HOST_MAP`): an internal mirror
 * or proxy, an air-gapped install, a test server. Applied after the manifest's check (performFetch
 * refuses an undeclared host before any fetch), so a pin never widens what a pack may reach; it
 * only says where a host the pack may reach is. A pinned address may be internal: the operator
 * said so. Hosts without a pin go through `guardedFetch` and its refusal of internal addresses.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedFetch, sendRequest } from './guarded-fetch.js';
import type { SandboxFetch } from './host-fetch.js';

/** Where a declared host is reached: `protocol` replaces the URL's when given, `port` its port. */
export interface HostPin {
  protocol?: 'http:' | 'https:';
  address: string;
  port?: number;
}

/** Declared host name (lower case, exact) -> its pin. */
export type HostMap = ReadonlyMap<string, HostPin>;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const TARGET = /^(?:(https?):\/\/)?(\[[0-9a-f:.]+\]|[^:/[\]\s]+)(?::(\d{1,5}))?\/?$/i;

/**
 * Parses `api.github.com=127.0.0.1:8080,weather.example.com=http://10.0.0.5:8080`: each entry a
 * declared host name, `=`, and `[http://|https://]address[:port]`. Throws naming the entry.
 */
export function parseHostMap(text: string): Map<string, HostPin> {
  const map = new Map<string, HostPin>();
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name = '', target = '', ...extra] = entry.split('=').map((part) => part.trim());
    const host = name.toLowerCase();
    const parsed = TARGET.exec(target);
    if (!HOST_NAME.test(host) || !parsed || extra.length > 0) throw new Error(`"${entry}" is not <host name>=[http://|https://]<address>[:<port>]`);
    const [, scheme, rawAddress = '', rawPort] = parsed;
    const address = rawAddress.replace(/^\[(.*)\]$/, '$1');
    if (rawAddress.startsWith('[') && isIP(address) !== 6) throw new Error(`"${entry}": ${rawAddress} is not an IPv6 address`);
    if (!rawAddress.startsWith('[') && isIP(address) === 0 && !HOST_NAME.test(address.toLowerCase())) throw new Error(`"${entry}": ${rawAddress} is neither an IP address nor a host name`);
    const port = rawPort === undefined ? undefined : Number(rawPort);
    if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`"${entry}": the port must be 1-65535`);
    if (map.has(host)) throw new Error(`"${host}" is pinned twice`);
    map.set(host, { ...(scheme !== undefined && { protocol: (scheme.toLowerCase() === 'https' ? 'https:' : 'http:') }), address, ...(port !== undefined && { port }) });
  }
  return map;
}

/**
 * The sandbox's fetch with the pins applied: a pinned host is connected at its address, with the
 * request's `Host` (and, over TLS, the certificate checked against) the declared name.
 */
export function hostMappedFetch(map: HostMap, fallback: SandboxFetch = guardedFetch): SandboxFetch {
  if (map.size === 0) return fallback;
  return (url, init) => {
    const declared = new URL(url);
    const pin = map.get(declared.hostname.toLowerCase().replace(/\.$/, ''));
    if (pin === undefined) return fallback(url, init);
    const protocol = pin.protocol ?? declared.protocol;
    const target = new URL(`${declared.pathname}${declared.search}`, `${protocol}//${isIP(pin.address) === 6 ? `[${pin.address}]` : pin.address}`);
    const port = pin.port ?? (pin.protocol === undefined && declared.port !== '' ? Number(declared.port) : undefined);
    if (port !== undefined) target.port = String(port);
    const headers: Parameters<SandboxFetch>[1]['headers'] = [...init.headers, ['host', declared.host]];
    const tls = protocol === 'https:' && isIP(declared.hostname) === 0 ? { servername: declared.hostname } : {};
    return sendRequest(protocol === 'https:' ? https : http, target, tls, { ...init, headers });
  };
}
