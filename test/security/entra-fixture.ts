/**
 * A stand-in for an Entra ID tenant: RSA keys generated here, their JWKS served over loopback
 * (the real tenant endpoint is on the internet), and access tokens shaped like Entra's v2 tokens.
 * Tokens are assembled claim by claim so a test can drop or replace any of them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export const TENANT = '3f0c1a52-6b7d-4e8f-9a01-23456789abcd';
export const OTHER_TENANT = '9e8d7c6b-5a49-4382-b1a0-fedcba987654';
/** The API's application (client) id: v2 tokens carry it as `aud`. */
export const CLIENT_ID = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
export const OID = 'a1b2c3d4-0000-4000-8000-00000000a11c';
export const V2_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
export const V1_ISSUER = `https://sts.windows.net/${TENANT}/`;
export const KID = 'k1';

export interface TokenOptions {
  /** Replaces claims; a claim set to `undefined` is left out. */
  claims?: Record<string, unknown>;
  /** Replaces protected header parameters (`alg` stays RS256: the key decides). */
  header?: Record<string, unknown>;
  key?: CryptoKey;
}

export interface EntraTenant {
  jwksUrl: string;
  publicJwk: JWK;
  publicPem: string;
  /** A key pair the tenant does not publish. */
  strangerKey: CryptoKey;
  strangerJwk: JWK;
  /** How many times the JWKS was fetched. */
  jwksRequests(): number;
  /** Answer the next JWKS fetches with this status (503 simulates an outage); undefined restores. */
  failWith(status: number | undefined): void;
  token(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export async function startEntraTenant(): Promise<EntraTenant> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: KID, use: 'sig' };
  let requests = 0;
  let failure: number | undefined;
  const server: Server = createServer((_request, response) => {
    requests += 1;
    if (failure !== undefined) return void response.writeHead(failure).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/${TENANT}/discovery/v2.0/keys`,
    publicJwk,
    publicPem: await exportSPKI(pair.publicKey),
    strangerKey: stranger.privateKey,
    strangerJwk: await exportJWK(stranger.publicKey),
    jwksRequests: () => requests,
    failWith: (status) => void (failure = status),
    async token(options = {}) {
      const now = nowSeconds();
      const claims: Record<string, unknown> = {
        aud: CLIENT_ID, iss: V2_ISSUER, iat: now, nbf: now, exp: now + 3600, tid: TENANT,
        oid: OID, sub: 'pairwise-subject-for-this-app', scp: 'Events.ReadWrite', ver: '2.0', ...options.claims,
      };
      for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
      return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', kid: KID, ...options.header, alg: 'RS256' }).sign(options.key ?? pair.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** base64url of a JSON value, for hand-assembled tokens. */
export function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
