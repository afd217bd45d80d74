/**
 * Entra ID verification against a JWKS served by this test over loopback (the real tenant
 * endpoint is on the internet). Tokens are signed with keys generated here.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { EntraAuthenticator } from '../../src/security/index.js';
import { KernelError } from '../../src/kernel/index.js';

const ISSUER = 'https://login.test/tenant-1/v2.0';
const AUDIENCE = 'api://vextir';
let server: Server;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let authenticator: EntraAuthenticator;

before(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  authenticator = new EntraAuthenticator({ tenantId: 'tenant-1', audience: AUDIENCE, issuer: ISSUER, jwksUrl: `http://127.0.0.1:${port}/keys` });
});
after(() => server.close());

function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; issuer?: string; audience?: string; expires?: string } = {}) {
  return new SignJWT({ oid: 'user-oid-1', roles: ['Vextir.Admin'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('pairwise-sub')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '5m')
    .sign(options.key ?? signingKey);
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof KernelError && error.code === 'unauthenticated' && pattern.test(error.message));
}

describe('EntraAuthenticator', () => {
  it('accepts a valid token and takes the user from oid', async () => {
    assert.deepEqual(await authenticator.authenticate(await token()), { userId: 'user-oid-1', roles: ['Vextir.Admin'] });
  });
  it('rejects a wrong audience, a wrong issuer and an expired token', async () => {
    await rejects(authenticator.authenticate(await token({}, { audience: 'api://other' })), /"aud" claim/);
    await rejects(authenticator.authenticate(await token({}, { issuer: 'https://evil/v2.0' })), /"iss" claim/);
    await rejects(authenticator.authenticate(await token({}, { expires: '-2h' })), /expired/);
  });
  it('rejects a token signed by a key the tenant does not publish', async () => {
    await rejects(authenticator.authenticate(await token({}, { key: strangerKey })), /signature/);
  });
  it('rejects alg none and HS256 tokens', async () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'x', oid: 'x', iss: ISSUER, aud: AUDIENCE, exp: 9_999_999_999 })).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await rejects(authenticator.authenticate(none), /algorithm|malformed/);
    const hs = await new SignJWT({ oid: 'x' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode('k'.repeat(32)));
    await rejects(authenticator.authenticate(hs), /algorithm/);
  });
});
