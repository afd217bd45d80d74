export { allowAllAuthorizer } from './allow-all.js';
export { DevTokenAuthenticator, loadOrCreateDevSecret, signDevToken } from './dev-tokens.js';
export { EntraAuthenticator, type EntraOptions } from './entra.js';
export type { Authenticator, Identity } from './identity.js';
export { CachingAuthenticator, type TokenCacheOptions } from './token-cache.js';
