export { allowAllAuthorizer } from './allow-all.js';
export { DevTokenAuthenticator, loadOrCreateDevSecret, signDevToken } from './dev-tokens.js';
export type { Authenticator, Identity } from './identity.js';
